// Query keys and fetchers shared by several pages.
import { useQuery } from '@tanstack/react-query';
import { api, type ApiQuery } from './api.ts';

export const keys = {
  clinic: ['clinic'] as const,
  staff: ['staff'] as const,
  apiKeys: ['api-keys'] as const,
  jobs: (status?: string) => ['jobs', status ?? 'all'] as const,
  audit: (filters: unknown) => ['audit', filters] as const,
  platformClinics: ['platform', 'clinics'] as const,
};

export const useClinic = () => useQuery({ queryKey: keys.clinic, queryFn: () => api.get('/api/clinic') });
export const useStaffList = (enabled = true) =>
  useQuery({
    queryKey: keys.staff,
    queryFn: async () => (await api.get('/api/staff')).items,
    enabled,
  });
export const useApiKeys = (enabled = true) =>
  useQuery({
    queryKey: keys.apiKeys,
    queryFn: async () => (await api.get('/api/api-keys')).items,
    enabled,
  });
export const useJobs = (status?: ApiQuery<'/api/jobs'>['status'], enabled = true) =>
  useQuery({
    queryKey: keys.jobs(status),
    queryFn: () => api.get('/api/jobs', { params: { query: { status, limit: 100 } } }),
    enabled,
  });
