// PLACEHOLDER: replaced by the full page in this change.
export function AttendanceReportPage() {
  return <main className="page" />;
}
