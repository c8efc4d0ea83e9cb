// TEMPORARY until the booking module lands on main: the request service's signature, so the
// waitlist compiles and its tests can inject one. Replaced by the booking module's
// createBookingRequest (same signature) when it lands.
import type { Deps } from '../../platform/deps.ts';

export type BookingRequestInput = {
  patientId: string;
  doctorId: string;
  visitType: string | null;
  startsAt: Date;
  endsAt: Date;
  source: 'liff' | 'waitlist' | 'recall' | 'staff';
  lineUserId: string | null;
  idempotencyKey: string;
};
export type BookingResult = { ok: true; requestId: string } | { ok: false; code: string; message: string };

export async function createBookingRequest(
  _deps: Deps,
  _clinicId: string,
  _input: BookingRequestInput,
): Promise<BookingResult> {
  return { ok: false, code: 'booking_unavailable', message: '線上預約尚未啟用' };
}
