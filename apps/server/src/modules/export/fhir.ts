// FHIR R4 resources of a clinic's export, one function per resource type, from the rows of the
// registry's tables. Identifiers follow TW Core IG (docs/taiwan.md "FHIR TW Core identifiers"):
// 身分證字號 with type v2-0203 NNxxx + the identifier-suffix extension TWN and system
// http://www.moi.gov.tw, a resident certificate number with type PRC and system
// http://www.immigration.gov.tw, the chart number with type MR and the clinic's own system,
// the phone as telecom (system phone, use mobile for a mobile number).

type Row = Record<string, unknown>;
export type Resource = { resourceType: string; id: string } & Record<string, unknown>;

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
export const TW_NATIONAL_ID_SYSTEM = 'http://www.moi.gov.tw';
export const TW_RESIDENT_ID_SYSTEM = 'http://www.immigration.gov.tw';
const SUFFIX_EXT = 'https://twcore.mohw.gov.tw/ig/twcore/StructureDefinition/identifier-suffix';

/** The namespaces this clinic's own identifiers live in (its chart numbers, the HIS's ids). */
export function systemsOf(publicBaseUrl: string, clinicId: string) {
  const base = `${publicBaseUrl.replace(/\/$/, '')}/fhir/clinics/${clinicId}`;
  return {
    chartNo: `${base}/chart-no`,
    hisPatient: `${base}/his-patient-id`,
    hisDoctor: `${base}/his-doctor-id`,
    hisAppointment: `${base}/his-appointment-id`,
    options: (questionnaireId: string) => `${base}/questionnaires/${questionnaireId}/options`,
    questionnaire: (questionnaireId: string) => `${base}/questionnaires/${questionnaireId}`,
  };
}
export type Systems = ReturnType<typeof systemsOf>;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
/** FHIR instants need a zone; the database keeps ISO strings in UTC. */
const instant = (v: unknown): string | null => {
  const s = str(v);
  if (!s) return null;
  return /[zZ]|[+-]\d\d:\d\d$/.test(s) ? s : `${s}Z`;
};
const plusMinutes = (iso: string, minutes: number): string =>
  new Date(new Date(iso).getTime() + minutes * 60_000).toISOString();

/** 09xxxxxxxx from +8869xxxxxxxx (how the phone is written in Taiwan). */
const nationalPhone = (e164: string): string => (e164.startsWith('+886') ? `0${e164.slice(4)}` : e164);

export function organization(c: Row): Resource {
  const r: Resource = { resourceType: 'Organization', id: String(c.id), active: c.status !== 'closed' };
  r.name = String(c.name);
  const phone = str(c.phone);
  if (phone) r.telecom = [{ system: 'phone', value: phone, use: 'work' }];
  const address = str(c.address);
  if (address) r.address = [{ text: address, country: 'TW' }];
  return r;
}

export function practitioner(d: Row, sys: Systems): Resource {
  const r: Resource = { resourceType: 'Practitioner', id: String(d.id), active: d.active === 1 || d.active === true };
  const his = str(d.his_id);
  if (his) r.identifier = [{ use: 'usual', system: sys.hisDoctor, value: his }];
  r.name = [{ use: 'official', text: String(d.name) }];
  return r;
}

const GENDER: Record<string, string> = { male: 'male', female: 'female', other: 'other', unknown: 'unknown' };

function nationalIdentifier(id: string) {
  // 第 2 碼 1/2：本國人身分證；8/9 或英文字母：居留證號 (platform/tw.ts checkNationalId).
  if (/^[A-Z][12]/.test(id)) {
    return {
      use: 'official',
      type: {
        coding: [
          {
            system: V2_0203,
            code: 'NNxxx',
            _code: {
              extension: [
                {
                  url: SUFFIX_EXT,
                  extension: [
                    { url: 'suffix', valueString: 'TWN' },
                    { url: 'valueSet', valueCanonical: 'http://hl7.org/fhir/ValueSet/iso3166-1-3' },
                  ],
                },
              ],
            },
          },
        ],
      },
      system: TW_NATIONAL_ID_SYSTEM,
      value: id,
    };
  }
  return {
    use: 'official',
    type: { coding: [{ system: V2_0203, code: 'PRC' }] },
    system: TW_RESIDENT_ID_SYSTEM,
    value: id,
  };
}

/** `nationalId`: the patient's 身分證字號 in clear (null when unknown). */
export function patient(p: Row, nationalId: string | null, sys: Systems, clinicId: string): Resource {
  const identifier: unknown[] = [];
  if (nationalId) identifier.push(nationalIdentifier(nationalId));
  const chart = str(p.chart_no);
  if (chart) {
    identifier.push({
      use: 'official',
      type: { coding: [{ system: V2_0203, code: 'MR' }] },
      system: sys.chartNo,
      value: chart,
    });
  }
  const his = str(p.his_id);
  if (his) identifier.push({ use: 'secondary', system: sys.hisPatient, value: his });
  const r: Resource = { resourceType: 'Patient', id: String(p.id) };
  if (identifier.length) r.identifier = identifier;
  r.active = true;
  r.name = [{ use: 'official', text: String(p.name) }];
  const phone = str(p.phone_e164);
  if (phone) {
    const mobile = p.phone_is_mobile === 1 || p.phone_is_mobile === true;
    r.telecom = [{ system: 'phone', value: nationalPhone(phone), ...(mobile ? { use: 'mobile' } : {}) }];
  }
  const g = GENDER[str(p.gender) ?? ''];
  if (g) r.gender = g;
  const birth = str(p.birth_date);
  if (birth) r.birthDate = birth;
  r.managingOrganization = { reference: `Organization/${clinicId}` };
  return r;
}

const APPOINTMENT_STATUS: Record<string, string> = {
  booked: 'booked',
  checked_in: 'arrived',
  completed: 'fulfilled',
  cancelled: 'cancelled',
  no_show: 'noshow',
};

export function appointment(a: Row, sys: Systems): Resource {
  const start = instant(a.starts_at)!;
  const minutes = Number(a.duration_minutes ?? 0);
  const r: Resource = {
    resourceType: 'Appointment',
    id: String(a.id),
    identifier: [{ system: sys.hisAppointment, value: String(a.his_id) }],
    status: APPOINTMENT_STATUS[String(a.status)] ?? 'booked',
  };
  const visitType = str(a.visit_type);
  if (visitType) r.serviceType = [{ text: visitType }];
  r.start = start;
  if (minutes > 0) {
    r.end = plusMinutes(start, minutes);
    r.minutesDuration = minutes;
  }
  const created = instant(a.booked_at) ?? instant(a.created_at);
  if (created) r.created = created;
  const note = str(a.note);
  if (note) r.comment = note;
  r.participant = [
    { actor: { reference: `Patient/${a.patient_id}` }, status: 'accepted' },
    { actor: { reference: `Practitioner/${a.doctor_id}` }, status: 'accepted' },
  ];
  return r;
}

/** An Encounter for a completed visit (the visit took place; its times are the appointment's). */
export function encounter(a: Row, clinicId: string): Resource {
  const start = instant(a.starts_at)!;
  const minutes = Number(a.duration_minutes ?? 0);
  const r: Resource = {
    resourceType: 'Encounter',
    id: String(a.id),
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
  };
  const visitType = str(a.visit_type);
  if (visitType) r.serviceType = { text: visitType };
  r.subject = { reference: `Patient/${a.patient_id}` };
  r.participant = [{ individual: { reference: `Practitioner/${a.doctor_id}` } }];
  r.appointment = [{ reference: `Appointment/${a.id}` }];
  r.period = minutes > 0 ? { start, end: plusMinutes(start, minutes) } : { start };
  r.serviceProvider = { reference: `Organization/${clinicId}` };
  return r;
}

/**
 * A LINE message as a Communication: `patientId` is the patient the LINE user is bound to
 * (null for a friend not bound to anyone).
 */
export function communication(m: Row, patientId: string | null, clinicId: string): Resource {
  const incoming = m.direction === 'in';
  const r: Resource = { resourceType: 'Communication', id: String(m.id), status: 'completed' };
  r.medium = [{ text: 'LINE' }];
  if (patientId) r.subject = { reference: `Patient/${patientId}` };
  r.sent = instant(m.created_at);
  const org = { reference: `Organization/${clinicId}` };
  if (incoming) {
    r.recipient = [org];
    if (patientId) r.sender = { reference: `Patient/${patientId}` };
  } else {
    r.sender = org;
    if (patientId) r.recipient = [{ reference: `Patient/${patientId}` }];
  }
  const text = str(m.text);
  r.payload = [{ contentString: text ?? `[${String(m.kind)}]` }];
  return r;
}

type Question = { id: string; type: string; title: string; options?: { id: string; label: string }[] };

/** A questionnaire's answers; `questions` are its questions (for titles and option labels). */
export function questionnaireResponse(q: Row, questions: Question[], sys: Systems): Resource {
  const byId = new Map(questions.map((x) => [x.id, x]));
  let answers: { questionId: string; value: unknown }[] = [];
  try {
    const parsed = JSON.parse(String(q.answers)) as unknown;
    if (Array.isArray(parsed)) answers = parsed as typeof answers;
  } catch {
    answers = [];
  }
  const qid = String(q.questionnaire_id);
  const item = answers.map((a) => {
    const question = byId.get(a.questionId);
    const values = Array.isArray(a.value) ? a.value : [a.value];
    const answer = values.map((v) => {
      if (typeof v === 'number') return { valueInteger: v };
      const option = question?.options?.find((o) => o.id === v);
      if (option) return { valueCoding: { system: sys.options(qid), code: option.id, display: option.label } };
      return { valueString: String(v) };
    });
    return { linkId: a.questionId, ...(question ? { text: question.title } : {}), answer };
  });
  const r: Resource = {
    resourceType: 'QuestionnaireResponse',
    id: String(q.id),
    questionnaire: sys.questionnaire(qid),
    status: 'completed',
    subject: { reference: `Patient/${q.patient_id}` },
    authored: instant(q.submitted_at),
  };
  if (item.length) r.item = item;
  return r;
}
