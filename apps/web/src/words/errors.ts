import type { Words } from './vocabulary';

const w = (vi: string, en: string): Words => ({ vi, en });

/**
 * Every error code the API answers with, in words that say what to do next. test/unit/web-vocabulary.spec.ts reads
 * the API's error-code enums (and the codes it throws by string) and fails when one is missing here.
 */
export const ERROR: Record<string, Words> = {
  // common
  VALIDATION_FAILED: w(
    'Thông tin chưa hợp lệ: sửa ô được đánh dấu rồi gửi lại.',
    'Something is not valid: correct the marked field and send again.',
  ),
  BAD_REQUEST: w(
    'Yêu cầu không hợp lệ: tải lại trang rồi thử lại.',
    'The request is not valid: reload the page and try again.',
  ),
  MALFORMED_JSON: w(
    'Dữ liệu gửi đi bị hỏng: tải lại trang rồi thử lại.',
    'The data sent was damaged: reload the page and try again.',
  ),
  PAYLOAD_TOO_LARGE: w(
    'Tệp hoặc nội dung quá lớn: chia nhỏ rồi gửi lại.',
    'The file or text is too large: split it and send again.',
  ),
  HEADERS_TOO_LARGE: w(
    'Yêu cầu quá lớn: đăng xuất, đăng nhập lại rồi thử lại.',
    'The request is too large: sign out, sign in and try again.',
  ),
  UNSUPPORTED_MEDIA_TYPE: w(
    'Không đọc được loại tệp này: chọn tệp .txt, .docx hoặc .xml.',
    'This kind of file cannot be read: pick a .txt, .docx or .xml file.',
  ),
  NOT_FOUND: w('Không tìm thấy, hoặc bạn không có quyền xem.', 'Not found, or you may not see it.'),
  METHOD_NOT_ALLOWED: w('Thao tác này không được hỗ trợ.', 'This action is not supported.'),
  IDEMPOTENCY_KEY_REQUIRED: w(
    'Thiếu mã chống gửi trùng: tải lại trang rồi thử lại.',
    'The request had no idempotency key: reload and try again.',
  ),
  IDEMPOTENCY_KEY_INVALID: w(
    'Mã chống gửi trùng không hợp lệ: tải lại trang rồi thử lại.',
    'The idempotency key is not valid: reload and try again.',
  ),
  IDEMPOTENCY_KEY_REUSED: w(
    'Yêu cầu này đã được gửi với nội dung khác: tải lại trang.',
    'This request was already sent with other content: reload the page.',
  ),
  IDEMPOTENCY_REQUEST_IN_PROGRESS: w(
    'Yêu cầu đang được xử lý: đợi vài giây rồi tải lại trang.',
    'The request is being processed: wait a few seconds and reload.',
  ),
  IDEMPOTENCY_CLAIM_LOST: w(
    'Hệ thống bận: thử lại sau ít phút.',
    'The system is busy: try again in a few minutes.',
  ),
  IDEMPOTENCY_ANSWER_LOST: w(
    'Không lấy lại được kết quả: tải lại trang để xem đã lưu chưa.',
    'The answer was lost: reload to see whether it was saved.',
  ),
  DATABASE_UNAVAILABLE: w(
    'Cơ sở dữ liệu tạm thời không truy cập được: thử lại sau ít phút.',
    'The database is unavailable: try again in a few minutes.',
  ),
  DATABASE_BUSY: w(
    'Hệ thống đang bận: thử lại sau ít giây.',
    'The system is busy: try again in a few seconds.',
  ),
  TEMPORAL_UNAVAILABLE: w(
    'Bộ điều phối quy trình tạm thời không truy cập được: thử lại sau ít phút.',
    'The workflow engine is unavailable: try again in a few minutes.',
  ),
  INTERNAL_ERROR: w(
    'Có lỗi trong hệ thống: thử lại; nếu còn lỗi, báo quản trị hệ thống.',
    'Something went wrong: try again; if it persists, tell the system administrator.',
  ),
  ERROR: w('Không thực hiện được: thử lại sau ít phút.', 'That did not work: try again in a few minutes.'),
  NETWORK: w(
    'Mất kết nối tới máy chủ: kiểm tra mạng rồi thử lại.',
    'The server cannot be reached: check the network and try again.',
  ),
  // auth
  UNAUTHENTICATED: w('Phiên làm việc đã hết: đăng nhập lại.', 'Your session ended: sign in again.'),
  TOKEN_INVALID: w(
    'Phiên làm việc không hợp lệ: đăng nhập lại.',
    'Your session is not valid: sign in again.',
  ),
  TOKEN_EXPIRED: w('Phiên làm việc đã hết hạn: đăng nhập lại.', 'Your session expired: sign in again.'),
  TOKEN_REVOKED: w(
    'Phiên làm việc đã bị thu hồi: đăng nhập lại.',
    'Your session was revoked: sign in again.',
  ),
  INVALID_CREDENTIALS: w(
    'Sai thư điện tử hoặc mật khẩu: kiểm tra rồi nhập lại.',
    'Wrong e-mail or password: check them and try again.',
  ),
  LOGIN_THROTTLED: w(
    'Đăng nhập sai quá nhiều lần: đợi vài phút rồi thử lại.',
    'Too many failed sign-ins: wait a few minutes and try again.',
  ),
  REFRESH_TOKEN_INVALID: w('Phiên làm việc đã hết: đăng nhập lại.', 'Your session ended: sign in again.'),
  REFRESH_TOKEN_REUSED: w(
    'Phiên làm việc bị dùng ở nơi khác: đăng nhập lại và đổi mật khẩu.',
    'Your session was used elsewhere: sign in again and change your password.',
  ),
  API_KEY_INVALID: w(
    'Khóa kết nối không hợp lệ: xin quản trị cấp khóa mới.',
    'The API key is not valid: ask an administrator for a new one.',
  ),
  ACTIVATION_TOKEN_INVALID: w(
    'Đường dẫn kích hoạt đã hết hạn: xin quản trị gửi lại.',
    'The activation link expired: ask an administrator to send it again.',
  ),
  FORBIDDEN: w(
    'Vai trò của bạn ở đơn vị này không được làm việc này: chọn đơn vị khác ở đầu trang hoặc xin quản trị giao vai trò.',
    'Your role in this unit may not do this: pick another unit at the top or ask an administrator for the role.',
  ),
  SYSTEM_ADMIN_ONLY: w(
    'Chỉ quản trị hệ thống được làm việc này.',
    'Only a system administrator may do this.',
  ),
  // bulk
  BATCH_TOO_LARGE: w(
    'Quá nhiều mục trong một lần: chia thành các lần dưới 1.000 mục.',
    'Too many items at once: split into batches under 1,000.',
  ),
  BATCH_ITEM_INVALID: w(
    'Có mục không hợp lệ: sửa mục được nêu rồi gửi lại.',
    'An item is not valid: correct it and send again.',
  ),
  BATCH_ITEM_REPEATED: w(
    'Có mục bị lặp: bỏ mục trùng rồi gửi lại.',
    'An item is repeated: remove the duplicate and send again.',
  ),
  // calendar
  CALENDAR_YEAR_INVALID: w(
    'Lịch nghỉ của năm chưa hợp lệ: sửa ngày được nêu (ngày làm bù phải là thứ Bảy hoặc Chủ nhật).',
    'The year’s days off are not valid: correct the date named (a worked day must be a Saturday or Sunday).',
  ),
  SCHEDULE_INVALID: w(
    'Lịch báo cáo chưa hợp lệ: kiểm tra kỳ hạn và ngày.',
    'The schedule is not valid: check its kind and days.',
  ),
  // directives
  DIRECTIVE_NOT_FOUND: w(
    'Không tìm thấy văn bản, hoặc bạn không có quyền xem.',
    'Directive not found, or you may not see it.',
  ),
  DIRECTIVE_INVALID_STATE: w(
    'Văn bản đã chuyển sang bước khác: tải lại trang để xem tình trạng mới.',
    'The directive has moved on: reload to see where it is.',
  ),
  DIRECTIVE_VERSION_STALE: w(
    'Văn bản vừa được người khác sửa: tải lại trang rồi làm lại.',
    'Someone else just changed the directive: reload and do it again.',
  ),
  DIRECTIVE_NOT_YOUR_TURN: w(
    'Chưa đến lượt bạn xem xét văn bản này.',
    'It is not your turn to review this directive.',
  ),
  DIRECTIVE_REVIEW_CHAIN_EMPTY: w(
    'Đơn vị chưa có trình tự xem xét, ký: quản trị đơn vị vào "Tổ chức" để chọn lãnh đạo xem xét, rồi trình lại dự thảo.',
    'Your unit has no review chain: a unit administrator sets one under "Organisation", then submit the draft again.',
  ),
  DIRECTIVE_BUSY: w(
    'Văn bản đang được xử lý: đợi vài giây rồi thử lại.',
    'The directive is being processed: wait a few seconds and try again.',
  ),
  DIRECTIVE_INVALID_INPUT: w(
    'Văn bản còn thiếu hoặc sai thông tin: sửa ô được đánh dấu.',
    'The directive has missing or wrong parts: correct the marked field.',
  ),
  DIRECTIVE_SCHEDULE_INVALID: w(
    'Lịch báo cáo chưa hợp lệ: kiểm tra kỳ hạn và ngày.',
    'The reporting schedule is not valid: check its kind and days.',
  ),
  SIGNER_NO_AUTHORITY: w(
    'Bạn chưa được giao thẩm quyền ký: xin quản trị đơn vị giao thẩm quyền ký.',
    'You hold no signing authority: ask the unit administrator to grant one.',
  ),
  REVIEWER_NOT_LEADER: w(
    'Người xem xét phải là lãnh đạo của đơn vị.',
    'A reviewer must be a leader of the unit.',
  ),
  ROUTING_NODE_NOT_FOUND: w(
    'Đơn vị này không nhận văn bản này.',
    'This unit did not receive this directive.',
  ),
  ROUTING_NODE_INVALID_STATE: w(
    'Văn bản đã được xác nhận hoặc xử lý rồi: tải lại trang.',
    'This was already acknowledged or handled: reload the page.',
  ),
  REPORT_FORM_INVALID: w(
    'Mẫu báo cáo chưa hợp lệ: sửa chỉ tiêu được đánh dấu.',
    'The report form is not valid: correct the marked field.',
  ),
  REPORT_INVALID: w(
    'Báo cáo chưa hợp lệ: sửa ô được đánh dấu rồi gửi lại.',
    'The report is not valid: correct the marked field and send again.',
  ),
  REPORTING_NOT_REQUIRED: w('Văn bản này không yêu cầu báo cáo.', 'This directive asks for no report.'),
  REPORT_NOT_EXPECTED: w(
    'Đơn vị này không phải báo cáo văn bản này.',
    'This unit does not report on this directive.',
  ),
  ALREADY_REPORTED: w(
    'Đơn vị đã báo cáo kỳ này: không cần nhắc nữa.',
    'The unit has reported this cycle: no reminder is needed.',
  ),
  CYCLE_NOT_FOUND: w('Không có kỳ báo cáo này: chọn kỳ khác.', 'There is no such cycle: pick another.'),
  CYCLE_NOT_OPEN: w(
    'Kỳ báo cáo này chưa mở: đợi đến ngày mở kỳ.',
    'This cycle is not open yet: wait until it opens.',
  ),
  CYCLE_CLOSED: w(
    'Kỳ báo cáo đã chốt số liệu: liên hệ đơn vị cấp trên nếu cần sửa.',
    'This cycle is closed: contact the unit above to correct it.',
  ),
  CYCLE_NOT_OPEN_ENDED: w(
    'Kỳ này có ngày kết thúc riêng, không cần kết thúc bằng tay.',
    'This cycle has its own end: it need not be ended by hand.',
  ),
  DIRECTIVE_LINK_INVALID: w(
    'Văn bản liên quan không hợp lệ: chọn văn bản khác.',
    'The linked directive is not valid: pick another.',
  ),
  FORWARD_NOT_POSSIBLE: w(
    'Không chuyển tiếp được: đơn vị chưa nhận văn bản hoặc không có đơn vị trực thuộc.',
    'Cannot forward: the unit has not acknowledged or has no units below.',
  ),
  NOTHING_FOUND: w(
    'Không đọc được văn bản nào trong nội dung này: kiểm tra tệp hoặc dán lại nội dung.',
    'Nothing of a directive was found: check the file or paste the text again.',
  ),
  TOO_MANY_RUNS: w(
    'Văn bản có quá nhiều quy trình để kiểm tra một lần.',
    'Too many workflow runs to check at once.',
  ),
  AUDIT_BUSY: w(
    'Đang có một lượt kiểm tra khác: thử lại sau ít phút.',
    'Another check is running: try again in a few minutes.',
  ),
  WORKFLOW_BUNDLE_MISSING: w(
    'Máy chủ chưa có gói quy trình để chạy lại: báo quản trị hệ thống.',
    'The server has no workflow bundle to replay: tell the system administrator.',
  ),
  // people
  USER_NOT_FOUND: w(
    'Không có người dùng với thư điện tử này: kiểm tra lại hoặc thêm người dùng mới.',
    'No user has this e-mail: check it or add a new user.',
  ),
  USER_EMAIL_TAKEN: w(
    'Thư điện tử này đã có tài khoản: dùng "Giao vai trò" thay vì thêm mới.',
    'This e-mail already has an account: give it a role instead.',
  ),
  USER_ALREADY_ACTIVATED: w(
    'Tài khoản đã được kích hoạt: đăng nhập.',
    'The account is already active: sign in.',
  ),
  USER_DEACTIVATED: w(
    'Tài khoản đã bị khóa: liên hệ quản trị.',
    'The account is deactivated: contact an administrator.',
  ),
  PASSWORD_TOO_WEAK: w(
    'Mật khẩu quá yếu: dùng ít nhất 12 ký tự, không phải mật khẩu phổ biến.',
    'The password is too weak: use at least 12 characters, not a common one.',
  ),
  PASSWORD_INCORRECT: w('Mật khẩu hiện tại không đúng.', 'The current password is wrong.'),
  MEMBERSHIP_EXISTS: w('Người này đã có vai trò đó ở đơn vị.', 'This person already holds that role here.'),
  MEMBERSHIP_REQUIRED: w(
    'Tài khoản chưa thuộc đơn vị nào: chọn đơn vị và vai trò.',
    'The account belongs to no unit: pick a unit and a role.',
  ),
  API_KEY_NOT_FOUND: w('Không tìm thấy khóa kết nối.', 'API key not found.'),
  SIGNING_GRANT_FORBIDDEN: w(
    'Chỉ giao thẩm quyền ký cho lãnh đạo.',
    'Signing authority is for leaders only.',
  ),
  API_KEY_BULK_MALFORMED: w(
    'Tệp khóa kết nối sai định dạng: sửa dòng được nêu.',
    'The API key file is malformed: correct the line named.',
  ),
  API_KEY_BULK_EMPTY: w('Tệp khóa kết nối không có dòng nào.', 'The API key file has no rows.'),
  API_KEY_BULK_TOO_MANY_ROWS: w(
    'Tệp khóa kết nối quá nhiều dòng: chia nhỏ.',
    'The API key file has too many rows: split it.',
  ),
  USER_BULK_MALFORMED: w(
    'Tệp người dùng sai định dạng: sửa dòng được nêu.',
    'The users file is malformed: correct the line named.',
  ),
  USER_BULK_EMPTY: w('Tệp người dùng không có dòng nào.', 'The users file has no rows.'),
  USER_BULK_TOO_MANY_ROWS: w(
    'Tệp người dùng quá nhiều dòng: chia nhỏ.',
    'The users file has too many rows: split it.',
  ),
  // probes
  PROBE_NOT_FOUND: w('Không tìm thấy lượt đo.', 'Probe not found.'),
  PROBE_ALREADY_FINISHED: w('Lượt đo đã kết thúc.', 'The probe has finished.'),
  PROBE_ALREADY_FINISHING: w('Lượt đo đang kết thúc.', 'The probe is finishing.'),
  PROBE_INVALID_NOTE: w('Ghi chú không hợp lệ.', 'The note is not valid.'),
  // receiving
  RECEIVED_INVALID_INPUT: w(
    'Thông tin văn bản đến chưa hợp lệ: sửa ô được đánh dấu.',
    'The received directive is not valid: correct the marked field.',
  ),
  RECEIVED_NUMBER_TAKEN: w(
    'Số đến này đã dùng: chọn số khác.',
    'This receiving number is taken: pick another.',
  ),
  RECEIVED_NOT_FOUND: w('Không tìm thấy văn bản đến.', 'Received directive not found.'),
  ISSUER_UNIT_NOT_FOUND: w('Không tìm thấy đơn vị ban hành.', 'Issuing unit not found.'),
  // review
  REVIEW_CHAIN_SELF_ONLY: w(
    'Trình tự xem xét không thể chỉ có chính người trình.',
    'The review chain cannot be only the submitter.',
  ),
  REVIEW_CHAIN_ONLY_SUBMITTER: w(
    'Trình tự xem xét chỉ có người trình: thêm một lãnh đạo khác.',
    'The review chain has only the submitter: add another leader.',
  ),
  // units
  UNIT_NOT_FOUND: w(
    'Không tìm thấy đơn vị, hoặc bạn không có quyền ở đơn vị đó.',
    'Unit not found, or you hold no role there.',
  ),
  UNIT_CODE_TAKEN: w('Mã đơn vị đã dùng: chọn mã khác.', 'This unit code is taken: pick another.'),
  UNIT_PARENT_INACTIVE: w('Đơn vị cấp trên đã ngừng hoạt động.', 'The parent unit is inactive.'),
  UNIT_MOVE_CYCLE: w(
    'Không chuyển được: đơn vị sẽ nằm dưới chính nó.',
    'Cannot move: the unit would be under itself.',
  ),
  UNIT_IMPORT_MALFORMED: w(
    'Tệp đơn vị sai định dạng: dòng đầu phải là code,name,kind,parentCode.',
    'The units file is malformed: the first line must be code,name,kind,parentCode.',
  ),
  UNIT_IMPORT_EMPTY: w('Tệp đơn vị không có dòng nào.', 'The units file has no rows.'),
  UNIT_IMPORT_TOO_MANY_ROWS: w(
    'Tệp đơn vị quá nhiều dòng: chia nhỏ.',
    'The units file has too many rows: split it.',
  ),
  UNIT_REPORT_TARGET_INVALID: w(
    'Đơn vị nhận báo cáo không hợp lệ: chọn đơn vị cấp trên.',
    'The report target is not valid: pick a unit above.',
  ),
  ATTACHMENT_DIRECTIVE_NOT_DRAFT: w(
    'Chỉ đính kèm tệp khi văn bản còn là dự thảo hoặc đang trình duyệt.',
    'Files can be attached only while the directive is a draft or in review.',
  ),
  ATTACHMENT_FILE_REQUIRED: w('Chọn một tệp để đính kèm.', 'Choose a file to attach.'),
  ATTACHMENT_LIMIT_REACHED: w(
    'Văn bản đã có đủ số tệp đính kèm cho phép: bỏ bớt tệp trước khi thêm.',
    'The directive has as many files as allowed: remove one before adding another.',
  ),
  ATTACHMENT_NAME_INVALID: w(
    'Tên tệp không hợp lệ: đổi tên tệp rồi tải lên lại.',
    'The file name is not valid: rename the file and upload it again.',
  ),
  ATTACHMENT_NOT_FOUND: w(
    'Không tìm thấy tệp đính kèm: tải lại trang.',
    'The attachment was not found: reload the page.',
  ),
  ATTACHMENT_TOO_LARGE: w(
    'Tệp quá lớn: nén hoặc chia nhỏ tệp rồi tải lên lại.',
    'The file is too large: compress or split it and upload it again.',
  ),
  ATTACHMENT_TYPE_REFUSED: w(
    'Loại tệp không được nhận: dùng PDF, Word, Excel, ODF, ảnh JPG/PNG hoặc ZIP.',
    'This kind of file is not accepted: use PDF, Word, Excel, ODF, JPG/PNG images or ZIP.',
  ),
  ATTACHMENT_UPLOAD_MALFORMED: w(
    'Tệp tải lên bị lỗi: chọn lại tệp và thử lại.',
    'The upload was malformed: choose the file again and retry.',
  ),
  CERTIFICATE_EXPIRED: w(
    'Chứng thư số đã hết hạn hoặc chưa có hiệu lực: dùng chứng thư số còn hiệu lực.',
    'The certificate has expired or is not valid yet: use a valid certificate.',
  ),
  CERTIFICATE_INVALID: w(
    'Chứng thư số không hợp lệ: kiểm tra lại tệp chứng thư và chuỗi chứng thực.',
    'The certificate is not valid: check the certificate file and its chain.',
  ),
  DELEGATION_EXPIRED: w(
    'Văn bản ủy quyền đã hết hiệu lực: ký theo thẩm quyền khác hoặc xin ủy quyền mới.',
    'The delegation has expired: sign under another authority or ask for a new delegation.',
  ),
  DELEGATION_GRANTEE_NOT_SIGNER: w(
    'Người được giao không có quyền ký ở đơn vị này: phân vai lãnh đạo trước.',
    'The grantee may not sign in this unit: give them a leader role first.',
  ),
  DELEGATION_GRANTOR_NOT_LEADER: w(
    'Người giao quyền phải là lãnh đạo của đơn vị.',
    'The grantor must be a leader of the unit.',
  ),
  DELEGATION_LINE_MISSING: w(
    'Thiếu chức danh in ở khối chữ ký: nhập chức danh người đứng đầu và người ký.',
    "A signing-block line is missing: enter the head's title and the signer's position.",
  ),
  DELEGATION_NOT_FOUND: w(
    'Không tìm thấy quan hệ ký thay/ủy quyền: tải lại trang.',
    'The signing relation was not found: reload the page.',
  ),
  DELEGATION_NOT_HELD: w(
    'Bạn không giữ quan hệ ký thay/ủy quyền này: chọn thẩm quyền khác.',
    'You do not hold this signing relation: choose another authority.',
  ),
  DELEGATION_NOT_YET_VALID: w(
    'Văn bản ủy quyền chưa đến thời gian có hiệu lực.',
    'The delegation is not in force yet.',
  ),
  DELEGATION_OUT_OF_SCOPE: w(
    'Loại văn bản này nằm ngoài phạm vi được ủy quyền: trình người có thẩm quyền ký.',
    'This kind of document is outside the delegation: have the competent person sign it.',
  ),
  DELEGATION_PERIOD_INVALID: w(
    'Thời hạn ủy quyền không hợp lệ: ngày kết thúc phải sau ngày bắt đầu.',
    'The delegation period is not valid: the end must come after the start.',
  ),
  DELEGATION_REDELEGATED: w(
    'Người được ủy quyền không được ủy quyền lại cho người khác.',
    'A delegate may not delegate again.',
  ),
  DELEGATION_REVOKED: w('Quan hệ ký thay/ủy quyền đã bị thu hồi.', 'The signing relation was revoked.'),
  DELEGATION_SELF: w('Không thể tự giao quyền cho chính mình.', 'One cannot delegate to oneself.'),
  DELEGATION_TUQ_UNBOUNDED: w(
    'Ủy quyền (TUQ.) phải có thời hạn và phạm vi loại văn bản.',
    'A delegation (TUQ.) needs a period and a scope of document types.',
  ),
  EDXML_CONNECTOR_REQUIRED: w(
    'Chỉ hệ thống kết nối (khóa API vai trò kết nối) được gửi gói tin edXML.',
    'Only a connector (an API key with the connector role) may send edXML messages.',
  ),
  EDXML_MESSAGE_ID_REUSED: w(
    'Mã gói tin edXML đã dùng cho một gói tin khác: dùng mã mới.',
    'The edXML message id was used for another message: use a new id.',
  ),
  EDXML_NODE_NOT_FOUND: w(
    'Không tìm thấy văn bản mà gói tin trạng thái trả lời.',
    'The document the status message answers was not found.',
  ),
  EDXML_UNIT_NOT_FOUND: w(
    'Không tìm thấy đơn vị theo mã định danh trong gói tin.',
    'No unit has the identification code in the message.',
  ),
  PKCS12_PASSWORD_INCORRECT: w(
    'Mật khẩu tệp chứng thư (PKCS#12) không đúng: nhập lại.',
    'The PKCS#12 password is wrong: enter it again.',
  ),
  PKCS12_UNREADABLE: w(
    'Không đọc được tệp chứng thư (PKCS#12): chọn đúng tệp .p12/.pfx.',
    'The PKCS#12 file cannot be read: choose the right .p12/.pfx file.',
  ),
  SIGNING_CERTIFICATE_MISSING: w(
    'Người ký chưa có chứng thư số: nhờ quản trị hệ thống nhập chứng thư số.',
    'The signer has no certificate: ask the system administrator to import one.',
  ),
  SIGNING_CERTIFICATE_UNUSABLE: w(
    'Chứng thư số của người ký không dùng được lúc này (hết hạn hoặc lỗi thiết bị ký): văn bản chưa được ký.',
    "The signer's certificate cannot sign now (expired, or the token failed): nothing was signed.",
  ),
  SIGNING_NOT_CONFIGURED: w(
    'Máy chủ chưa được cấu hình để ký số: liên hệ quản trị hệ thống.',
    'The server is not set up for digital signatures: contact the system administrator.',
  ),
  UNIT_EDXML_CODE_TAKEN: w(
    'Mã định danh điện tử đã được dùng cho đơn vị khác: kiểm tra lại mã.',
    'The electronic identification code belongs to another unit: check the code.',
  ),
};

/** The words for an error code (a code without words still says what to do). */
export const errorWords = (code: string, lang: 'vi' | 'en'): string => (ERROR[code] ?? ERROR.ERROR)[lang];
