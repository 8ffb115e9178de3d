/** Prints the app's custom search attributes as `Name=Type` lines in the Temporal CLI's spelling. */
import { SEARCH_ATTRIBUTE_KEYS } from '@cascade/contracts';

export function cliType(type: string): string {
  return type
    .toLowerCase()
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

if (require.main === module) {
  for (const key of SEARCH_ATTRIBUTE_KEYS) console.log(`${key.name}=${cliType(key.type)}`);
}
