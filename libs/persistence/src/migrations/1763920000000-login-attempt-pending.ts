import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A sign-in attempt is recorded before its password is checked (`admitLoginAttempt`), as pending (`success` null),
 * then marked failed or succeeded. An e-mail's count takes a pending attempt as a failure (parallel guesses at one
 * account queue on it); an address's count takes only attempts known to have failed, so that many people signing in
 * at once behind one address (an office behind NAT, a connector) are not refused while their passwords are checked.
 */
export class LoginAttemptPending1763920000000 implements MigrationInterface {
  name = 'LoginAttemptPending1763920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE login_attempt ALTER COLUMN success DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE login_attempt SET success = false WHERE success IS NULL`);
    await q.query(`ALTER TABLE login_attempt ALTER COLUMN success SET NOT NULL`);
  }
}
