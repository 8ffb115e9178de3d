import { Init1763780000000 } from './1763780000000-init';
import { Organisation1763790000000 } from './1763790000000-organisation';
import { Directives1763800000000 } from './1763800000000-directives';
import { Routing1763810000000 } from './1763810000000-routing';
import { Reports1763820000000 } from './1763820000000-reports';
import { Outbox1763830000000 } from './1763830000000-outbox';
import { OutboxLease1764020000000 } from './1764020000000-outbox-lease';
import { IdempotencyFence1764030000000 } from './1764030000000-idempotency-fence';
import { DelegationsAndAttachments1764300000000 } from './1764300000000-delegations-and-attachments';
import { RoutingRollup1764600000000 } from './1764600000000-routing-rollup';
import { Inbox1764700000000 } from './1764700000000-inbox';
import { DirectiveSearchIndex1764740000000 } from './1764740000000-directive-search-index';
import { RoutingNodeParentFirst1764750000000 } from './1764750000000-routing-node-parent-first';
import { SigningCertificates1764200000000 } from './1764200000000-signing-certificates';
import { Lifecycle1763840000000 } from './1763840000000-lifecycle';
import { Audit1763850000000 } from './1763850000000-audit';
import { Registers1763860000000 } from './1763860000000-registers';
import { ExactlyOnce1763870000000 } from './1763870000000-exactly-once';
import { ReportIngest1763880000000 } from './1763880000000-report-ingest';
import { SealedInBatches1763890000000 } from './1763890000000-sealed-in-batches';
import { CalendarAndCycles1763900000000 } from './1763900000000-calendar-and-cycles';
import { SqlDefinitions1763910000000 } from './1763910000000-sql-definitions';
import { LoginAttemptPending1763920000000 } from './1763920000000-login-attempt-pending';
import { EscalationAbove1763930000000 } from './1763930000000-escalation-above';
import { ReceivedDirectives1763935000000 } from './1763935000000-received-directives';
import { ReportRoutes1763940000000 } from './1763940000000-report-routes';
import { Connectors1763950000000 } from './1763950000000-connectors';
import { IngestAtScale1763960000000 } from './1763960000000-ingest-at-scale';
import { Paging1763970000000 } from './1763970000000-paging';
import { UserActivation1763980000000 } from './1763980000000-user-activation';
import { PagingMore1763990000000 } from './1763990000000-paging-more';
import { EdxmlIntake1764410000000 } from './1764410000000-edxml-intake';
import { SignedDocuments1764100000000 } from './1764100000000-signed-documents';

/**
 * Every migration, in order. Listed explicitly so that ts (tests) and compiled js (production) load the same set.
 *
 * The migrations are history, as they ran on every database: they are never edited. Database functions and triggers
 * have their current definitions in libs/persistence/src/sql/ (applied after the migrations, when their text
 * changed); a new migration must not create or redefine one inline — it changes the tables and, when a function's
 * signature changes, drops the old one; the file defines the new. The functions and triggers created by the
 * migrations up to CalendarAndCycles1763900000000 are theirs as they were then; the files hold them as they are.
 */
export const MIGRATIONS = [
  Init1763780000000,
  Organisation1763790000000,
  Directives1763800000000,
  Routing1763810000000,
  Reports1763820000000,
  Outbox1763830000000,
  Lifecycle1763840000000,
  Audit1763850000000,
  Registers1763860000000,
  ExactlyOnce1763870000000,
  ReportIngest1763880000000,
  SealedInBatches1763890000000,
  CalendarAndCycles1763900000000,
  SqlDefinitions1763910000000,
  LoginAttemptPending1763920000000,
  EscalationAbove1763930000000,
  ReceivedDirectives1763935000000,
  ReportRoutes1763940000000,
  Connectors1763950000000,
  IngestAtScale1763960000000,
  Paging1763970000000,
  UserActivation1763980000000,
  PagingMore1763990000000,
  OutboxLease1764020000000,
  IdempotencyFence1764030000000,
  SignedDocuments1764100000000,
  SigningCertificates1764200000000,
  DelegationsAndAttachments1764300000000,
  EdxmlIntake1764410000000,
  RoutingRollup1764600000000,
  Inbox1764700000000,
  DirectiveSearchIndex1764740000000,
  RoutingNodeParentFirst1764750000000,
];
