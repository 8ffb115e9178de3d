/**
 * Prints a synthetic hierarchy as an import CSV:
 *   node -r tsconfig-paths/register dist/infra/scripts/generate-units.js COUNT DEPTH FANOUT [PREFIX] > units.csv
 */
import { stringify } from 'csv-stringify/sync';
import { generateUnits } from '@cascade/domain';

const [count = '1000', depth = '4', fanout = '10', prefix = 'SYN'] = process.argv.slice(2);
const units = generateUnits({ count: Number(count), depth: Number(depth), fanout: Number(fanout), prefix });
process.stdout.write(stringify(units, { header: true, columns: ['code', 'name', 'kind', 'parentCode'] }));
