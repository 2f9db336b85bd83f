/** Small Anime.js transitions; nothing moves when the user asked for reduced motion. */
import { animate } from 'animejs/animation';

export function reducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

export function enter(el: Element | null, from: 'below' | 'right' | 'fade' = 'below', delay = 0): void {
  if (!el || reducedMotion() || typeof requestAnimationFrame !== 'function') return;
  const props: Record<string, unknown> = { opacity: [0, 1], duration: 220, delay, ease: 'outQuad' };
  if (from === 'below') props.translateY = [8, 0];
  if (from === 'right') props.translateX = [24, 0];
  try {
    animate(el as HTMLElement, props as Parameters<typeof animate>[1]);
  } catch {
    /* an animation is decoration: never let it break the screen */
  }
}

/** A brief highlight when a live update changed something. */
export function pulse(el: Element | null): void {
  if (!el || reducedMotion() || typeof requestAnimationFrame !== 'function') return;
  try {
    animate(el as HTMLElement, { scale: [1, 1.02, 1], duration: 350, ease: 'inOutQuad' });
  } catch {
    /* decoration only */
  }
}
