// The 11 Eastern Region authorities (eastern_region_las.csv; OGL v3.0, see ATTRIBUTION.md).
// Generated once from the shared reference data; edit only with a new release of that data.

export const AUTHORITIES = [
  { id: 'bedford', name: 'Bedford', onsCode: 'E06000055', dfeCode: '822', ofstedName: 'Bedford', districts: ['E06000055'], centroid: [504601, 250632] },
  { id: 'cambridgeshire', name: 'Cambridgeshire', onsCode: 'E10000003', dfeCode: '873', ofstedName: 'Cambridgeshire', districts: ['E07000008', 'E07000009', 'E07000010', 'E07000011', 'E07000012'], centroid: [537855, 269431] },
  { id: 'central-bedfordshire', name: 'Central Bedfordshire', onsCode: 'E06000056', dfeCode: '823', ofstedName: 'Central Bedfordshire', districts: ['E06000056'], centroid: [504848, 232333] },
  { id: 'essex', name: 'Essex', onsCode: 'E10000012', dfeCode: '881', ofstedName: 'Essex', districts: ['E07000066', 'E07000067', 'E07000068', 'E07000069', 'E07000070', 'E07000071', 'E07000072', 'E07000073', 'E07000074', 'E07000075', 'E07000076', 'E07000077'], centroid: [577258, 209456] },
  { id: 'hertfordshire', name: 'Hertfordshire', onsCode: 'E10000015', dfeCode: '919', ofstedName: 'Hertfordshire', districts: ['E07000095', 'E07000096', 'E07000098', 'E07000099', 'E07000102', 'E07000103', 'E07000240', 'E07000241', 'E07000242', 'E07000243'], centroid: [519582, 209228] },
  { id: 'luton', name: 'Luton', onsCode: 'E06000032', dfeCode: '821', ofstedName: 'Luton', districts: ['E06000032'], centroid: [508132, 222592] },
  { id: 'norfolk', name: 'Norfolk', onsCode: 'E10000020', dfeCode: '926', ofstedName: 'Norfolk', districts: ['E07000143', 'E07000144', 'E07000145', 'E07000146', 'E07000147', 'E07000148', 'E07000149'], centroid: [609835, 311534] },
  { id: 'peterborough', name: 'Peterborough', onsCode: 'E06000031', dfeCode: '874', ofstedName: 'Peterborough', districts: ['E06000031'], centroid: [517436, 300173] },
  { id: 'southend-on-sea', name: 'Southend-on-Sea', onsCode: 'E06000033', dfeCode: '882', ofstedName: 'Southend on Sea', districts: ['E06000033'], centroid: [587512, 186492] },
  { id: 'suffolk', name: 'Suffolk', onsCode: 'E10000029', dfeCode: '935', ofstedName: 'Suffolk', districts: ['E07000200', 'E07000202', 'E07000203', 'E07000244', 'E07000245'], centroid: [611506, 258162] },
  { id: 'thurrock', name: 'Thurrock', onsCode: 'E06000034', dfeCode: '883', ofstedName: 'Thurrock', districts: ['E06000034'], centroid: [562503, 179931] },
] as const;

import { AUTHORITY_SLUGS, type AuthoritySlug } from '../../../schemas/codes.ts';
export { AUTHORITY_SLUGS, type AuthoritySlug };

// the table and the leaf's slug list name the same authorities, in the same order
const sameSlugs: readonly AuthoritySlug[] = AUTHORITIES.map((a) => a.id);
if (sameSlugs.join() !== AUTHORITY_SLUGS.join()) throw new Error('AUTHORITIES and AUTHORITY_SLUGS disagree');
