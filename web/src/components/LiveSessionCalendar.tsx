// PLACEHOLDER: replaced by the full component in this change.
export function LiveSessionCalendar(_props: { courseId?: string; timeZone?: string }) {
  return <div />;
}
