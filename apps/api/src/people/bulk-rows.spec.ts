import { ApiError } from '../common/api-error';
import { BULK_MAX_ROWS, parseBulkRows, type BulkFormat } from './bulk-rows';

const format: BulkFormat = {
  list: 'users',
  required: ['email', 'name', 'unitCode', 'role'],
  codes: { malformed: 'MALFORMED', empty: 'EMPTY', tooMany: 'TOO_MANY' },
};

function refusal(run: () => unknown): { status: number; code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const body = error.getResponse() as { error: { message: string } };
    return { status: error.getStatus(), code: error.code, message: body.error.message };
  }
  throw new Error('expected a refusal');
}

describe('parseBulkRows', () => {
  it('reads CSV (BOM, spaces, optional columns, blank lines), numbering the data rows from 1', () => {
    const csv =
      '\uFEFFemail, name ,unitCode,role,authority\na@x.vn,Lan,U1,clerk,\n\nb@x.vn, Bình ,U2,leader,TM. BAN\n';
    expect(parseBulkRows(csv, 'text/csv; charset=utf-8', format)).toEqual([
      { row: 1, email: 'a@x.vn', name: 'Lan', unitCode: 'U1', role: 'clerk', authority: '' },
      { row: 2, email: 'b@x.vn', name: 'Bình', unitCode: 'U2', role: 'leader', authority: 'TM. BAN' },
    ]);
  });

  it('reads a JSON array or { "<list>": [...] }; an item that is no object is a row without fields', () => {
    const item = { email: 'a@x.vn', name: 'Lan', unitCode: 'U1', role: 'clerk' };
    expect(parseBulkRows([item, 'x'], 'application/json', format)).toEqual([{ ...item, row: 1 }, { row: 2 }]);
    expect(parseBulkRows({ users: [item] }, 'application/json', format)).toEqual([{ ...item, row: 1 }]);
  });

  it('refuses a CSV header without a required column, a body without rows, and anything else (400)', () => {
    expect(refusal(() => parseBulkRows('email,name,role\na,b,c\n', 'text/csv', format))).toEqual({
      status: 400,
      code: 'MALFORMED',
      message: 'body: the CSV header must name email, name, unitCode, role',
    });
    expect(refusal(() => parseBulkRows({ keys: [] }, 'application/json', format)).message).toBe(
      'users: must be an array of { email, name, unitCode, role }',
    );
    expect(refusal(() => parseBulkRows('x', 'application/octet-stream', format)).status).toBe(400);
  });

  it('refuses no rows with 422 and more than 10,000 with 413', () => {
    expect(refusal(() => parseBulkRows([], 'application/json', format))).toMatchObject({
      status: 422,
      code: 'EMPTY',
    });
    expect(parseBulkRows(Array(BULK_MAX_ROWS).fill({}), 'application/json', format)).toHaveLength(10_000);
    expect(
      refusal(() => parseBulkRows(Array(BULK_MAX_ROWS + 1).fill({}), 'application/json', format)),
    ).toEqual({
      status: 413,
      code: 'TOO_MANY',
      message: 'users: at most 10000 rows per request (got 10001)',
    });
  });
});
