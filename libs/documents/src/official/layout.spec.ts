import { layoutFor, PARTY_LAYOUT, STATE_LAYOUT, type OfficialLayout } from './layout';

type Range = [min: number, max: number];

/** What Decree 30/2020, appendix I allows for each element (points), and the page and margins (millimetres). */
const DECREE_30: Record<keyof OfficialLayout['sizes'], Range> = {
  motto: [12, 13],
  tagline: [13, 14],
  parentBody: [12, 13],
  issuingBody: [12, 13],
  number: [13, 13],
  placeDate: [13, 14],
  typeName: [13, 14],
  subject: [13, 14],
  subjectCongVan: [12, 13],
  addressees: [13, 14],
  body: [13, 14],
  authority: [13, 14],
  signerName: [13, 14],
  recipientsHeading: [12, 12],
  recipients: [11, 11],
  draftMark: [13, 14],
};

/** Guide 36-HD/VPTW (2018) for Party documents. */
const GUIDE_36: Record<keyof OfficialLayout['sizes'], Range> = {
  ...DECREE_30,
  motto: [15, 15],
  tagline: [15, 15],
  parentBody: [14, 14],
  issuingBody: [14, 14],
  number: [14, 14],
  placeDate: [14, 14],
  typeName: [15, 16],
  subject: [14, 15],
  body: [14, 15],
  authority: [14, 14],
  signerName: [14, 14],
  recipientsHeading: [14, 14],
  recipients: [12, 12],
  draftMark: [14, 14],
};

const within = (value: number, [min, max]: Range) => value >= min && value <= max;

describe.each([
  ['Decree 30 (state and unions)', STATE_LAYOUT, DECREE_30],
  ['Guide 36 (Party)', PARTY_LAYOUT, GUIDE_36],
])('%s layout', (_, layout, sizes) => {
  it('is A4 with the margins appendix I fixes', () => {
    expect(layout.page).toEqual({ widthMm: 210, heightMm: 297 });
    expect(within(layout.marginsMm.top, [20, 25])).toBe(true);
    expect(within(layout.marginsMm.bottom, [20, 25])).toBe(true);
    expect(within(layout.marginsMm.left, [30, 35])).toBe(true);
    expect(within(layout.marginsMm.right, [15, 20])).toBe(true);
  });

  it.each(Object.keys(sizes) as (keyof OfficialLayout['sizes'])[])('sets %s within its range', (key) => {
    expect([key, layout.sizes[key], within(layout.sizes[key], sizes[key])]).toEqual([
      key,
      layout.sizes[key],
      true,
    ]);
  });

  it('indents, spaces and rules paragraphs as appendix I says', () => {
    expect(within(layout.paragraphIndentMm, [10, 12.7])).toBe(true);
    expect(layout.paragraphSpacingPt).toBeGreaterThanOrEqual(6);
    expect(within(layout.lineSpacing, [1, 1.5])).toBe(true);
    expect(within(layout.ruleShare, [1 / 3, 1 / 2])).toBe(true);
    expect(layout.headerLeftShare + 0.5).toBeLessThanOrEqual(1);
  });
});

it('chooses Guide 36 for Party bodies only', () => {
  expect(layoutFor(true)).toBe(PARTY_LAYOUT);
  expect(layoutFor(false)).toBe(STATE_LAYOUT);
});
