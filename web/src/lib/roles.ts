import type { Course, LiveSession, User } from '../api/types';

/**
 * Whether the user runs this class (seed 1.2): a tenant admin, one of the course's instructors, or a
 * moderator named on the session. The server decides for real; this only picks Start vs Join.
 */
export function canHost(user: User, session: LiveSession, course?: Course): boolean {
  if (session.my_role) return session.my_role !== 'participant';
  if (user.role === 'admin') return true;
  if (session.moderator_ids?.includes(user.id)) return true;
  return !!course?.instructor_ids.includes(user.id);
}

export function canSchedule(user: User, course?: Course): boolean {
  if (user.role === 'admin') return true;
  if (user.role !== 'instructor') return false;
  return course ? course.instructor_ids.includes(user.id) : true;
}
