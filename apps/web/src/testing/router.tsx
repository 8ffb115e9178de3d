import type { ReactNode } from 'react';

/**
 * react-router as the component tests see it (jest.config.js maps the package here): it ships only ES modules,
 * which Jest's CommonJS runtime cannot load, and the forms under test only link and navigate. Where they navigate
 * to is kept in `navigated`, for the tests to read.
 */
export const navigated: string[] = [];
export const MemoryRouter = ({ children }: { children: ReactNode }) => <>{children}</>;
export const Link = ({ to, children }: { to: string; children: ReactNode }) => (
  <a href={`#${to}`}>{children}</a>
);
export const useNavigate = () => (to: string) => void navigated.push(to);
export const useSearchParams = () => [new URLSearchParams(), () => undefined] as const;
export const useParams = () => ({});
export const useLocation = () => ({ pathname: '/', search: '', hash: '' });
