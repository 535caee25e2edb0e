/**
 * "New since my last visit first" (issue 14, a provider's referrals shared with it), pure: the
 * items shared after the person's last view of the list, newest first and marked new, then the
 * rest in the order given. On a first visit (no last view) every item is new.
 */
export function newSinceFirst<T>(items: readonly T[], sharedAt: (item: T) => string, lastViewedAt: string | undefined): { item: T; isNew: boolean }[] {
  const marked = items.map((item) => ({ item, isNew: lastViewedAt === undefined || sharedAt(item) > lastViewedAt }));
  const fresh = marked.filter((m) => m.isNew).sort((a, b) => (sharedAt(a.item) < sharedAt(b.item) ? 1 : sharedAt(a.item) > sharedAt(b.item) ? -1 : 0));
  return [...fresh, ...marked.filter((m) => !m.isNew)];
}
