/**
 * Who the local server says did things: the one user behind its API key, in its one organization.
 * Shown as `manually_updated_by`, `AnswerHistory.updated_by`, and a file's owner.
 */
import type { ApiUser } from './types';

export const LOCAL_ORGANIZATION_UUID = 'organization.00000000-0000-4000-8000-00000000a11e';
export const LOCAL_USER_UUID = 'user.00000000-0000-4000-8000-00000000a11e';
export const LOCAL_USER_EMAIL = 'local-user@localhost';

export function localUser(): ApiUser {
  return {
    email: LOCAL_USER_EMAIL,
    feature_flags: { enable_dashboard: false },
    is_admin: false,
    is_impersonating: false,
    org_admin_emails: null,
    organization: { name: 'Local stand-in organization', org_uuid: LOCAL_ORGANIZATION_UUID },
    workspace: null,
  };
}
