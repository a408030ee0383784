// PLACEHOLDER: replaced by the full page in this change.
export function AdminPage() {
  return <main className="page" />;
}
