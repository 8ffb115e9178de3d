import type {
  Aggregation,
  CycleStepKind,
  DelegationKind,
  DirectiveStatus,
  DocType,
  FieldType,
  NonWorkingDayPolicy,
  PeriodicSchedule,
  Role,
  UnitKind,
} from '@cascade/domain';
import type { ReviewInput } from '@cascade/contracts';

/**
 * One vocabulary for every code the API answers with: a status, a role, a unit kind, a policy, a ladder rung, a field
 * type, an event. Each has its Vietnamese and its English words; test/unit/web-vocabulary.spec.ts reads the
 * domain's and the API's sources and fails when a value has no words here.
 */
export interface Words {
  vi: string;
  en: string;
}
const w = (vi: string, en: string): Words => ({ vi, en });

export const DIRECTIVE_STATUS: Record<DirectiveStatus, Words> = {
  draft: w('Dự thảo', 'Draft'),
  in_review: w('Chờ xem xét', 'In review'),
  approved: w('Đã duyệt, chờ ký', 'Approved, to sign'),
  rejected: w('Không duyệt', 'Rejected'),
  signed: w('Đã ký', 'Signed'),
  dispatched: w('Đã ban hành', 'Dispatched'),
  cancelled: w('Đã hủy', 'Cancelled'),
  closed: w('Đã kết thúc', 'Closed'),
  recalled: w('Đã thu hồi', 'Recalled'),
  superseded: w('Đã được thay thế', 'Superseded'),
  received: w('Văn bản đến', 'Received'),
};

/** A routing node's status (routing_node.status) and its final status once the directive ends. */
export const NODE_STATUS = {
  pending: w('Chưa chuyển', 'Not sent yet'),
  delivered: w('Đã đến, chưa xác nhận', 'Delivered, not acknowledged'),
  accepted: w('Đã nhận', 'Acknowledged'),
  acknowledged: w('Đã nhận', 'Acknowledged'),
  returned: w('Trả lại', 'Returned'),
  refused: w('Từ chối', 'Refused'),
  completed: w('Đã hoàn thành', 'Completed'),
  forwarded: w('Đã chuyển tiếp', 'Forwarded'),
  requested: w('Đề nghị thu hồi', 'Recall requested'),
  recalled: w('Đã thu hồi', 'Recalled'),
  'not-delivered': w('Chưa đến', 'Not delivered'),
  closed: w('Đã kết thúc', 'Closed'),
  superseded: w('Đã được thay thế', 'Superseded'),
  // the incoming register's status of a document received from outside the system (số đến)
  received: w('Đã vào sổ đến', 'Registered as received'),
} as const satisfies Record<string, Words>;

export const ROLE: Record<Role, Words> = {
  clerk: w('Văn thư', 'Clerk'),
  leader: w('Lãnh đạo', 'Leader'),
  specialist: w('Chuyên viên', 'Specialist'),
  auditor: w('Kiểm tra viên', 'Auditor'),
  admin: w('Quản trị đơn vị', 'Unit administrator'),
  connector: w('Hệ thống kết nối', 'Connected system'),
};

export const UNIT_KIND: Record<UnitKind, Words> = {
  federation: w('Liên đoàn Lao động', 'Labour federation'),
  sector_union: w('Công đoàn ngành', 'Sector union'),
  grassroots_union: w('Công đoàn cơ sở', 'Grassroots union'),
  party_committee: w('Đảng ủy', 'Party committee'),
  party_cell: w('Chi bộ', 'Party cell'),
  department: w('Ban chuyên môn', 'Department'),
};

export const POLICY: Record<NonWorkingDayPolicy, Words> = {
  'previous-working-day': w('Lùi về ngày làm việc liền trước', 'Move to the working day before'),
  'next-working-day': w('Dời sang ngày làm việc liền sau', 'Move to the working day after'),
  keep: w('Giữ nguyên ngày', 'Keep the day'),
};

export const FIELD_TYPE: Record<FieldType, Words> = {
  integer: w('Số nguyên', 'Whole number'),
  decimal: w('Số thập phân', 'Decimal number'),
  boolean: w('Có/Không', 'Yes/No'),
  text: w('Văn bản tự do', 'Free text'),
  choice: w('Chọn một trong danh sách', 'One of a list'),
};

/** How a report form's field is aggregated up the tree. */
export const AGGREGATION: Record<Aggregation, Words> = {
  sum: w('Cộng tổng', 'Sum'),
  min: w('Nhỏ nhất', 'Lowest'),
  max: w('Lớn nhất', 'Highest'),
  average: w('Trung bình', 'Average'),
  countTrue: w('Đếm số đơn vị trả lời "Có"', 'Count of "yes"'),
  collect: w('Liệt kê từng đơn vị', 'List each unit'),
};

/** The kinds of schedule a drafter picks (the others, read from a text, are shown as read). */
export const SCHEDULE_KIND = {
  monthly: w('Hằng tháng, vào/trước một ngày', 'Monthly, on or before a day'),
  periodic: w('Định kỳ theo kỳ số liệu (tuần, tháng, quý, 6 tháng, năm)', 'Periodic, with data periods'),
  phases: w('Theo đợt', 'In phases'),
  adhoc: w('Kịp thời, khi có phát sinh', 'As things happen'),
  dates: w('Vào các ngày ấn định', 'On set days'),
  interval: w('Cách đều (thử nghiệm)', 'At an interval (tests)'),
} as const satisfies Record<string, Words>;

/** A periodic schedule's period. */
export const PERIOD_EVERY: Record<PeriodicSchedule['every'], Words> = {
  week: w('Hằng tuần', 'Weekly'),
  month: w('Hằng tháng', 'Monthly'),
  quarter: w('Hằng quý', 'Quarterly'),
  'half-year': w('6 tháng', 'Half-yearly'),
  year: w('Hằng năm', 'Yearly'),
};

export const DOC_TYPE: Record<DocType, Words> = {
  KH: w('Kế hoạch', 'Plan'),
  HD: w('Hướng dẫn', 'Guidance'),
  CV: w('Công văn', 'Official letter'),
  CT: w('Chỉ thị', 'Instruction'),
  TB: w('Thông báo', 'Notice'),
  QD: w('Quyết định', 'Decision'),
  BC: w('Báo cáo', 'Report'),
};

/** The escalation ladder: the steps a cycle takes, and the level an overdue unit has reached. */
export const LADDER_STEP: Record<CycleStepKind, Words> = {
  remind: w('Nhắc hạn', 'Reminder'),
  overdue: w('Quá hạn', 'Overdue'),
  'escalate-parent': w('Báo cấp trên trực tiếp', 'Escalated to the parent'),
  'escalate-issuer': w('Báo đơn vị ban hành', 'Escalated to the issuer'),
  'escalate-above': w('Báo cấp trên đơn vị ban hành', 'Escalated above the issuer'),
  close: w('Chốt số liệu', 'Closing'),
};
export const LADDER_LEVEL = {
  reminded: w('Đã nhắc', 'Reminded'),
  overdue: w('Quá hạn', 'Overdue'),
  parent: w('Đã báo cấp trên trực tiếp', 'Escalated to the parent'),
  issuer: w('Đã báo đơn vị ban hành', 'Escalated to the issuer'),
  above: w('Đã báo cấp trên', 'Escalated above'),
} as const satisfies Record<string, Words>;

export const REVIEW_DECISION: Record<ReviewInput['decision'], Words> = {
  approve: w('Đồng ý', 'Approve'),
  return: w('Trả lại để sửa', 'Return for changes'),
  reject: w('Không duyệt', 'Reject'),
};

/**
 * Signing relations (Decree 30/2020, art. 13). The prefix itself is what the signing block prints ("KT. CHỦ TỊCH"),
 * so it is shown beside its words and stays out of VOCABULARY (whose codes no page may show).
 */
export const DELEGATION_KIND: Record<DelegationKind, Words> = {
  'KT.': w('Ký thay (KT.)', 'Signing for the head (KT.)'),
  'Q.': w('Quyền (Q.)', 'Acting head (Q.)'),
  'TL.': w('Thừa lệnh (TL.)', 'By order (TL.)'),
  'TUQ.': w('Thừa ủy quyền (TUQ.)', 'By written delegation (TUQ.)'),
};

/** The audit trail's event types (audit_event.action), in words. */
export const EVENT = {
  drafted: w('Tạo dự thảo', 'Draft created'),
  edited: w('Sửa dự thảo', 'Draft edited'),
  submitted: w('Trình xem xét', 'Submitted for review'),
  'review.approved': w('Lãnh đạo đồng ý', 'Approved by a reviewer'),
  'review.returned': w('Trả lại để sửa', 'Returned for changes'),
  'review.rejected': w('Không duyệt', 'Rejected'),
  'review.reminded': w('Nhắc xem xét', 'Reviewer reminded'),
  signed: w('Ký ban hành', 'Signed'),
  'dispatch.planned': w('Lập danh sách nơi nhận', 'Addressees planned'),
  dispatched: w('Đã chuyển đến đơn vị', 'Delivered to a unit'),
  acknowledge: w('Đơn vị xác nhận đã nhận', 'Receipt acknowledged'),
  'acknowledgement.reminded': w('Nhắc xác nhận đã nhận', 'Acknowledgement reminded'),
  forward: w('Chuyển tiếp', 'Forwarded'),
  forwarded: w('Đã chuyển tiếp', 'Forwarded'),
  received: w('Vào sổ văn bản đến', 'Registered as received'),
  reported: w('Gửi báo cáo', 'Report filed'),
  close: w('Kết thúc văn bản', 'Directive closed'),
  'cycle.closed': w('Chốt kỳ báo cáo', 'Cycle closed'),
  'cycle.rescheduled': w('Tính lại hạn báo cáo', 'Cycle rescheduled'),
  'recall.accepted': w('Thu hồi được chấp nhận', 'Recall accepted'),
  'recall.refused': w('Thu hồi bị từ chối', 'Recall refused'),
  acknowledged: w('Đơn vị xác nhận đã nhận', 'Receipt acknowledged'),
  returned: w('Đơn vị trả lại văn bản', 'Returned by the unit'),
  'report.reminded': w('Nhắc hạn báo cáo', 'Report reminder sent'),
  'report.overdue': w('Báo cáo quá hạn', 'Report overdue'),
  'escalated.parent': w('Báo cấp trên trực tiếp về đơn vị trễ hạn', 'Escalated to the parent'),
  'escalated.issuer': w('Báo đơn vị ban hành về đơn vị trễ hạn', 'Escalated to the issuer'),
  'escalated.above': w('Báo cấp trên đơn vị ban hành', 'Escalated above the issuer'),
  recalled: w('Thu hồi văn bản', 'Directive recalled'),
  cancelled: w('Hủy dự thảo', 'Draft cancelled'),
  closed: w('Kết thúc văn bản', 'Directive closed'),
  superseded: w('Được thay thế bởi văn bản mới', 'Superseded'),
  'review.submitted': w('Trình xem xét', 'Submitted for review'),
  'report.submitted': w('Đơn vị gửi báo cáo', 'Report filed'),
  // recorded by persistence (libs/persistence/src/reporting.ts) when a hub's aggregate of a cycle goes up
  'aggregate.reported': w('Gửi báo cáo tổng hợp lên cấp trên', 'Aggregate sent up'),
  'aggregate.revised': w('Gửi lại báo cáo tổng hợp (bổ sung)', 'Aggregate revised'),
  'report.late-revision': w('Sửa báo cáo sau khi đã chốt', 'Report revised after closing'),
  'review.reminder': w('Thư nhắc xem xét', 'Review reminder mail'),
  'acknowledgement.reminder': w('Thư nhắc xác nhận đã nhận', 'Acknowledgement reminder mail'),
  each: w('Sự kiện', 'Event'),
} as const satisfies Record<string, Words>;

/** The import's parts (the composer's "what was read" table). */
export const IMPORT_FIELD = {
  code: w('Số, ký hiệu', 'Number and symbol'),
  documentType: w('Loại văn bản', 'Document type'),
  subject: w('Trích yếu', 'Subject'),
  place: w('Địa danh', 'Place'),
  issuedDate: w('Ngày ban hành', 'Date issued'),
  issuerName: w('Cơ quan ban hành', 'Issuer'),
  parentBodyName: w('Cơ quan chủ quản', 'Parent body'),
  addressees: w('Nơi nhận', 'Addressees'),
  tasks: w('Nhiệm vụ', 'Tasks'),
} as const satisfies Record<string, Words>;

/** Every table of the vocabulary, by what it names (the browser walk reads them all). */
export const VOCABULARY = {
  DIRECTIVE_STATUS,
  NODE_STATUS,
  ROLE,
  UNIT_KIND,
  POLICY,
  FIELD_TYPE,
  AGGREGATION,
  SCHEDULE_KIND,
  PERIOD_EVERY,
  DOC_TYPE,
  LADDER_STEP,
  LADDER_LEVEL,
  REVIEW_DECISION,
  EVENT,
  IMPORT_FIELD,
};

/** The words for `code` in `table`, or the code itself when it has none (the unit test keeps that from happening). */
export function say(
  table: Record<string, Words>,
  code: string | null | undefined,
  lang: 'vi' | 'en',
): string {
  if (!code) return '—';
  return table[code]?.[lang] ?? code;
}
