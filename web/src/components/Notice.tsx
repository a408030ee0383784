/** The outcome of an action: an error is announced at once (alert), a success politely (status). */
export function Notice({ notice }: { notice: { text: string; error: boolean } | null }) {
  if (!notice) return null;
  return (
    <p className={notice.error ? 'field-error' : 'notice'} role={notice.error ? 'alert' : 'status'}>
      {notice.text}
    </p>
  );
}
