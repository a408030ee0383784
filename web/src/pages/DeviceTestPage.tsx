// PLACEHOLDER: replaced by the full page in this change.
export function DeviceTestPage() {
  return <main className="page" />;
}
