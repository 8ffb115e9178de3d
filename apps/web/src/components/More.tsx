import { useApp } from '../context';

/** The button that reads a list's next page (none on the last page). */
export function More({ more, testId }: { more: (() => void) | null; testId?: string }) {
  const { t } = useApp();
  if (!more) return null;
  return (
    <button type="button" className="link dark" data-testid={testId} onClick={more}>
      {t('more')}
    </button>
  );
}
