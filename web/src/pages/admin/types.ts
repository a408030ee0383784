// Shapes of the admin endpoints (docs/openapi.yaml: ProviderConfig, PolicyView, User, Course, ...).
// Kept here rather than in api/types.ts: only the admin page reads these fields.
import type { Provider, Role } from '../../api/types';

/** "********" when a secret is stored, "" when none (MaskedSecret). */
export type MaskedSecret = '********' | '';

export interface ProviderConfig {
  provider: Provider;
  is_active: boolean;
  is_default: boolean;
  jitsi_domain: string;
  jitsi_app_id: string;
  jitsi_jwt_secret: MaskedSecret;
  jitsi_jwt_secret_set: boolean;
  bbb_server_url: string;
  bbb_shared_secret: MaskedSecret;
  bbb_shared_secret_set: boolean;
  bbb_checksum_algorithm: 'sha1' | 'sha256' | 'sha512';
  zoom_account_id: string;
  zoom_client_id: string;
  zoom_client_secret: MaskedSecret;
  zoom_client_secret_set: boolean;
  zoom_user_id: string;
  zoom_webhook_secret: MaskedSecret;
  zoom_webhook_secret_set: boolean;
  webhook_secret: MaskedSecret;
  webhook_secret_set: boolean;
  max_concurrent_rooms: number;
  default_room_duration_minutes: number;
}

export interface ProviderConfigList {
  configs: ProviderConfig[];
}

export interface ProviderHealthReport {
  status: 'ok' | 'degraded';
  providers: { provider: Provider; target: string; status: 'up' | 'down'; latency_ms: number; schools: number; error?: string }[];
}

export const BOOL_POLICY_FIELDS = [
  'recording_required',
  'auto_recording',
  'transcribe_recordings',
  'summarize_recordings',
  'lobby_enabled',
  'require_authentication',
  'allow_guests',
  'students_can_share_screen',
  'students_can_use_whiteboard',
  'students_can_unmute_self',
  'students_start_muted',
  'students_video_off',
] as const;
export const NUMBER_POLICY_FIELDS = [
  'recording_retention_days',
  'attendance_threshold_percent',
  'minimum_duration_minutes',
  'late_join_tolerance_minutes',
  'early_leave_tolerance_minutes',
] as const;
export type BoolPolicyField = (typeof BOOL_POLICY_FIELDS)[number];
export type NumberPolicyField = (typeof NUMBER_POLICY_FIELDS)[number];

/** Limits of the number fields (PolicyOverrides in the OpenAPI document). */
export const POLICY_LIMITS: Record<NumberPolicyField, { min: number; max: number }> = {
  recording_retention_days: { min: 0, max: 36500 },
  attendance_threshold_percent: { min: 0, max: 100 },
  minimum_duration_minutes: { min: 0, max: 1440 },
  late_join_tolerance_minutes: { min: 0, max: 1440 },
  early_leave_tolerance_minutes: { min: 0, max: 1440 },
};

/** The built-in defaults (EffectivePolicy in the OpenAPI document): what "inherit" means at school level. */
export const POLICY_DEFAULTS: EffectivePolicy = {
  recording_required: true,
  auto_recording: false,
  transcribe_recordings: false,
  summarize_recordings: false,
  recording_retention_days: 90,
  attendance_threshold_percent: 70,
  minimum_duration_minutes: 5,
  late_join_tolerance_minutes: 10,
  early_leave_tolerance_minutes: 10,
  lobby_enabled: true,
  require_authentication: true,
  allow_guests: false,
  students_can_share_screen: false,
  students_can_use_whiteboard: true,
  students_can_unmute_self: true,
  students_start_muted: true,
  students_video_off: false,
};

export type EffectivePolicy = Record<BoolPolicyField, boolean> & Record<NumberPolicyField, number>;
export type PolicyOverrides = { [K in BoolPolicyField]: boolean | null } & { [K in NumberPolicyField]: number | null };

export interface PolicyView {
  overrides: PolicyOverrides;
  effective: EffectivePolicy;
}

export interface AdminUser {
  id: string;
  tenant_id: string;
  email: string;
  full_name: string;
  role: Role;
  locale: 'tr' | 'en';
  external_id: string | null;
  avatar_url: string;
  is_active: boolean;
  created_at: string;
}

export interface AdminCourse {
  id: string;
  tenant_id: string;
  title: string;
  description: string;
  instructor_ids: string[];
  created_at: string;
}

export interface EnrolledUsers {
  results: AdminUser[];
}

export const ROLES: Role[] = ['student', 'instructor', 'admin'];
