import type { Role } from '../domain/principal.ts';
import type { NavItem } from './layout.tsx';
import type { Session } from './session.ts';

/**
 * Each persona's journeys as the service navigation and start page list them, written once: every
 * console Lambda renders the same header whichever persona's pages it serves (the shell, and the
 * officer's, provider's and programme office's Lambdas: ../routes/console.ts).
 */
export const NAV: Record<Role, readonly NavItem[]> = {
  authority: [
    { href: '/console/search', text: 'Find a home' },
    { href: '/console/referrals', text: 'My referrals' },
    { href: '/console/placements', text: 'Placements' },
    { href: '/console/notices', text: 'Notices received' },
  ],
  provider: [
    { href: '/console/shared', text: 'Referrals shared with you' },
    { href: '/console/my-offers', text: 'Your offers' },
    { href: '/console/homes', text: 'Your homes' },
    { href: '/console/home-placements', text: 'Placements in your homes' },
  ],
  'programme-office': [
    { href: '/console/board', text: 'Allocation board' },
    { href: '/console/allocations', text: 'Allocations' },
    { href: '/console/beds', text: 'Beds' },
    { href: '/console/ledger', text: 'Ledger' },
    { href: '/console/spend', text: 'Spend' },
    { href: '/console/providers', text: 'Providers' },
  ],
};

/** The signed-in person's navigation: their organisation's journeys. */
export const navFor = (s: Session): readonly NavItem[] => NAV[s.principal.kind] ?? [];
