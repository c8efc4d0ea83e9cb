// Routes. A later feature adds its page here and its menu entry in nav.tsx.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate, useParams } from 'react-router';
import { setUnauthorizedHandler } from './api.ts';
import type { Role } from './roles.ts';
import { AppShell } from './components/AppShell.tsx';
import { Forbidden, NotFound } from './components/Forbidden.tsx';
import { ADMIN, CLINIC_ROLES } from './nav.tsx';
import { ApiKeysPage } from './pages/ApiKeysPage.tsx';
import { AccountSecurityPage } from './pages/AccountSecurityPage.tsx';
import { AuditPage } from './pages/AuditPage.tsx';
import { BookingRequestsPage } from './pages/booking/BookingRequestsPage.tsx';
import { BookingRulesPage } from './pages/booking/BookingRulesPage.tsx';
import { NoShowPolicyPage } from './pages/booking/NoShowPolicyPage.tsx';
import { QueuePage } from './pages/booking/QueuePage.tsx';
import { WaitlistPage } from './pages/booking/WaitlistPage.tsx';
import { ExportPage } from './pages/ExportPage.tsx';
import { ReportsDashboardPage } from './pages/reports/DashboardPage.tsx';
import { MonthlyReportsPage } from './pages/reports/MonthlyReportsPage.tsx';
import { ValuePage } from './pages/reports/ValuePage.tsx';
import { SecurityPage } from './pages/SecurityPage.tsx';
import { AutoRepliesPage } from './pages/AutoRepliesPage.tsx';
import { LineSettingsPage } from './pages/LineSettingsPage.tsx';
import { RichMenuPage } from './pages/RichMenuPage.tsx';
import { ClinicSettingsPage } from './pages/ClinicSettingsPage.tsx';
import { HelpPage } from './pages/HelpPage.tsx';
import { AppointmentsPage } from './pages/AppointmentsPage.tsx';
import { CalendarFeedsPage } from './pages/CalendarFeedsPage.tsx';
import { CalendarPage } from './pages/CalendarPage.tsx';
import { FrontDeskHome } from './pages/FrontDeskHome.tsx';
import { InvitePage } from './pages/InvitePage.tsx';
import { JobsPage } from './pages/JobsPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { PlatformClinicsPage } from './pages/PlatformClinicsPage.tsx';
import { StaffPage } from './pages/StaffPage.tsx';
import { DeliveryLogPage } from './pages/reminders/DeliveryLogPage.tsx';
import { QuotaPage } from './pages/reminders/QuotaPage.tsx';
import { RulesPage } from './pages/reminders/RulesPage.tsx';
import { TemplatesPage } from './pages/reminders/TemplatesPage.tsx';
import { WorkCalendarPage } from './pages/reminders/WorkCalendarPage.tsx';
import { InboxPage } from './pages/messages/InboxPage.tsx';
import { CarePlansPage } from './pages/care/CarePlansPage.tsx';
import { FollowUpsPage } from './pages/care/FollowUpsPage.tsx';
import { LibraryPage } from './pages/care/LibraryPage.tsx';
import { NoShowPage } from './pages/care/NoShowPage.tsx';
import { BroadcastsPage } from './pages/messages/BroadcastsPage.tsx';
import { QuestionnairesPage } from './pages/satisfaction/QuestionnairesPage.tsx';
import { ReviewsPage } from './pages/satisfaction/ReviewsPage.tsx';
import { SatisfactionPage } from './pages/satisfaction/SatisfactionPage.tsx';
import { SurveySettingsPage } from './pages/satisfaction/SurveySettingsPage.tsx';
import { CasesPage } from './pages/support/CasesPage.tsx';
import { FaqPage } from './pages/support/FaqPage.tsx';
import { SupportStatsPage } from './pages/support/SupportStatsPage.tsx';
import { TrainerPage } from './pages/support/TrainerPage.tsx';
import { ImportPage } from './pages/patients/ImportPage.tsx';
import { MergePage } from './pages/patients/MergePage.tsx';
import { PatientDetailPage } from './pages/patients/PatientDetailPage.tsx';
import { PatientsPage } from './pages/patients/PatientsPage.tsx';
import { RecallPage } from './pages/patients/RecallPage.tsx';
import { SegmentsPage } from './pages/patients/SegmentsPage.tsx';
import { hasRole, RequireAuth, SESSION_KEY, useSession } from './session.tsx';

/** Shows the 403 result to roles that may not see a page. */
export function RequireRole({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  const { user } = useSession();
  return hasRole(user, roles) ? children : <Forbidden />;
}

function Home() {
  const { user } = useSession();
  if (user?.role === 'platform_operator') return <Navigate to="/platform/clinics" replace />;
  return <FrontDeskHome />;
}

/** A 401 from any request sends the user to /login, keeping where they were. */
/** The inbox's predecessor linked one conversation at /messages/conversations/<lineUserId>. */
function ConversationRedirect() {
  const { lineUserId = '' } = useParams();
  return <Navigate to={`/messages/inbox?f=all&c=${encodeURIComponent(lineUserId)}`} replace />;
}

function UnauthorizedRedirect() {
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      qc.setQueryData(SESSION_KEY, null);
      if (!location.pathname.startsWith('/login')) {
        navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
      }
    });
  }, [navigate, location, qc]);
  return null;
}

const clinic = (el: ReactNode) => <RequireRole roles={CLINIC_ROLES}>{el}</RequireRole>;
const admin = (el: ReactNode) => <RequireRole roles={ADMIN}>{el}</RequireRole>;

export function App() {
  return (
    <BrowserRouter>
      <UnauthorizedRedirect />
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/invite/:token" element={<InvitePage />} />
        <Route
          element={
            <RequireAuth>
              <AppShell />
            </RequireAuth>
          }
        >
          <Route index element={<Home />} />
          <Route path="/appointments" element={clinic(<AppointmentsPage />)} />
          <Route path="/calendar" element={clinic(<CalendarPage />)} />
          <Route path="/booking" element={<Navigate to="/booking/requests" replace />} />
          <Route path="/booking/requests" element={clinic(<BookingRequestsPage />)} />
          <Route path="/booking/waitlist" element={clinic(<WaitlistPage />)} />
          <Route path="/booking/queue" element={clinic(<QueuePage />)} />
          <Route path="/booking/rules" element={admin(<BookingRulesPage />)} />
          <Route path="/booking/no-show-policy" element={admin(<NoShowPolicyPage />)} />
          <Route path="/reports" element={<Navigate to="/reports/dashboard" replace />} />
          <Route path="/reports/dashboard" element={clinic(<ReportsDashboardPage />)} />
          <Route path="/reports/value" element={clinic(<ValuePage />)} />
          <Route path="/reports/monthly" element={clinic(<MonthlyReportsPage />)} />
          <Route path="/account/security" element={<AccountSecurityPage />} />
          <Route path="/reminders" element={<Navigate to="/reminders/rules" replace />} />
          <Route path="/reminders/rules" element={clinic(<RulesPage />)} />
          <Route path="/reminders/templates" element={clinic(<TemplatesPage />)} />
          <Route path="/reminders/calendar" element={clinic(<WorkCalendarPage />)} />
          <Route path="/reminders/log" element={clinic(<DeliveryLogPage />)} />
          <Route path="/reminders/quota" element={clinic(<QuotaPage />)} />
          <Route path="/settings/calendar-feeds" element={admin(<CalendarFeedsPage />)} />
          <Route path="/messages" element={<Navigate to="/messages/inbox" replace />} />
          <Route path="/messages/inbox" element={clinic(<InboxPage />)} />
          <Route path="/messages/broadcasts" element={clinic(<BroadcastsPage />)} />
          <Route path="/care" element={<Navigate to="/care/follow-ups" replace />} />
          <Route path="/care/follow-ups" element={clinic(<FollowUpsPage />)} />
          <Route path="/care/plans" element={clinic(<CarePlansPage />)} />
          <Route path="/care/library" element={clinic(<LibraryPage />)} />
          <Route path="/care/no-show" element={clinic(<NoShowPage />)} />
          <Route path="/satisfaction" element={<Navigate to="/satisfaction/overview" replace />} />
          <Route path="/satisfaction/overview" element={clinic(<SatisfactionPage />)} />
          <Route path="/satisfaction/questionnaires" element={clinic(<QuestionnairesPage />)} />
          <Route path="/satisfaction/reviews" element={clinic(<ReviewsPage />)} />
          <Route path="/satisfaction/settings" element={admin(<SurveySettingsPage />)} />
          <Route path="/support" element={<Navigate to="/support/faq" replace />} />
          <Route path="/support/faq" element={clinic(<FaqPage />)} />
          <Route path="/support/trainer" element={clinic(<TrainerPage />)} />
          <Route path="/support/cases" element={clinic(<CasesPage />)} />
          <Route path="/support/stats" element={clinic(<SupportStatsPage />)} />
          <Route path="/patients" element={<Navigate to="/patients/list" replace />} />
          <Route path="/patients/list" element={clinic(<PatientsPage />)} />
          <Route path="/patients/segments" element={clinic(<SegmentsPage />)} />
          <Route path="/patients/recall" element={clinic(<RecallPage />)} />
          <Route
            path="/patients/merge"
            element={
              <RequireRole roles={['admin', 'front_desk']}>
                <MergePage />
              </RequireRole>
            }
          />
          <Route
            path="/patients/import"
            element={
              <RequireRole roles={['admin', 'front_desk']}>
                <ImportPage />
              </RequireRole>
            }
          />
          <Route path="/patients/:id" element={clinic(<PatientDetailPage />)} />
          <Route
            path="/messages/auto-replies"
            element={
              <RequireRole roles={['admin', 'front_desk']}>
                <AutoRepliesPage />
              </RequireRole>
            }
          />
          <Route path="/messages/conversations" element={<Navigate to="/messages/inbox" replace />} />
          <Route path="/messages/conversations/:lineUserId" element={<ConversationRedirect />} />
          <Route path="/settings/line" element={admin(<LineSettingsPage />)} />
          <Route path="/settings/rich-menu" element={admin(<RichMenuPage />)} />
          <Route path="/settings" element={<Navigate to="/settings/clinic" replace />} />
          <Route path="/settings/clinic" element={clinic(<ClinicSettingsPage />)} />
          <Route path="/settings/staff" element={admin(<StaffPage />)} />
          <Route path="/settings/api-keys" element={admin(<ApiKeysPage />)} />
          <Route path="/settings/export" element={admin(<ExportPage />)} />
          <Route path="/settings/security" element={admin(<SecurityPage />)} />
          <Route path="/settings/jobs" element={admin(<JobsPage />)} />
          <Route path="/settings/audit" element={admin(<AuditPage />)} />
          <Route path="/help" element={<HelpPage />} />
          <Route path="/platform" element={<Navigate to="/platform/clinics" replace />} />
          <Route
            path="/platform/clinics"
            element={
              <RequireRole roles={['platform_operator']}>
                <PlatformClinicsPage />
              </RequireRole>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
