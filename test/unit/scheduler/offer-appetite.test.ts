import { OfferAppetite } from '../../../scheduler/core/offer-appetite';

describe('OfferAppetite: when the offer cycle SUPPRESSes and REVIVEs', () => {
  it('REVIVEs after offers were declined for the idle filter while something still waited (no SUPPRESS was sent)', () => {
    const appetite = new OfferAppetite();
    // Right after a failover: nothing to launch yet, but a replaced task's health is awaited.
    expect(appetite.idle(true, false)).toBeNull();
    // The next deploy step has a task to launch: the declined agents must be offered again now.
    expect(appetite.hungry()).toBe('REVIVE');
    expect(appetite.hungry()).toBeNull();
  });

  it('SUPPRESSes once when nothing waits, and REVIVEs once when a launch comes', () => {
    const appetite = new OfferAppetite();
    expect(appetite.idle(false, true)).toBe('SUPPRESS');
    expect(appetite.idle(false, true)).toBeNull();
    expect(appetite.hungry()).toBe('REVIVE');
    expect(appetite.hungry()).toBeNull();
  });

  it('does not REVIVE when nothing was filtered or suppressed, nor after a new subscription', () => {
    const appetite = new OfferAppetite();
    expect(appetite.idle(false, false)).toBeNull();
    expect(appetite.hungry()).toBeNull();
    appetite.idle(true, true);
    appetite.reset();
    expect(appetite.hungry()).toBeNull();
  });
});

describe('OfferAppetite after a REVIVE that failed', () => {
  it('REVIVEs again at the next launch, since the filters it was to lift may still hold', () => {
    const appetite = new OfferAppetite();
    appetite.idle(true, true);
    expect(appetite.hungry()).toBe('REVIVE');
    appetite.reviveFailed();
    expect(appetite.hungry()).toBe('REVIVE');
    expect(appetite.hungry()).toBeNull();
  });
});
