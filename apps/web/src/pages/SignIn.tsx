import { useState, type FormEvent } from 'react';
import { api, session } from '../api';
import { Problem } from '../components/Problem';
import { useApp } from '../context';

export function SignIn({ onDone }: { onDone: () => void }) {
  const { t } = useApp();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await api<{ accessToken: string }>('POST', '/auth/login', { email, password });
      session.token = r.accessToken;
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form className="card narrow" onSubmit={(e) => void submit(e)} aria-label={t('signIn')}>
      <h1>{t('signIn')}</h1>
      <label>
        {t('email')}
        <input
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
      </label>
      <label>
        {t('password')}
        <input
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      <Problem text={error} />
      <button type="submit">{t('signIn')}</button>
    </form>
  );
}
