/**
 * Translations. English is the reference (`en.ts`); French must have every key (type-checked).
 * The language comes from the saved choice, else the browser's; switching re-renders every text.
 */
import { computed, signal } from '@preact/signals';
import { en, type MessageKey } from './en';
import { fr } from './fr';

export type Lang = 'en' | 'fr';
export const LANGS: Lang[] = ['en', 'fr'];
const DICTS: Record<Lang, Record<MessageKey, string>> = { en, fr };
const KEY = 'homelab.lang';

export function detectLang(saved: string | null, browser: readonly string[]): Lang {
  if (saved === 'en' || saved === 'fr') return saved;
  for (const l of browser) {
    const base = l.toLowerCase().slice(0, 2);
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

export type Params = Record<string, string | number>;

export class I18n {
  readonly lang = signal<Lang>('en');
  private readonly dict = computed(() => DICTS[this.lang.value]);

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null, browser: readonly string[] = []) {
    this.lang.value = detectLang(storage?.getItem(KEY) ?? null, browser);
    this.syncDocument();
  }

  set(lang: Lang): void {
    this.lang.value = lang;
    this.storage?.setItem(KEY, lang);
    this.syncDocument();
  }

  /** Reading `this.dict.value` subscribes the rendering component, so a switch re-renders it. */
  t = (key: MessageKey, params?: Params): string => {
    let s = this.dict.value[key] ?? en[key] ?? key;
    if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };

  /** For keys built from data (a container state...): the data itself when there is no translation. */
  tf = (key: string, fallback: string): string => (this.dict.value as Record<string, string>)[key] ?? fallback;

  /** Relative time ("3 min ago" / "il y a 3 min"). */
  ago = (iso: string | null | undefined, now = Date.now()): string => {
    if (!iso) return this.t('common.never');
    const sec = Math.round((now - Date.parse(iso)) / 1000);
    if (!Number.isFinite(sec)) return '—';
    const rtf = new Intl.RelativeTimeFormat(this.lang.value, { numeric: 'auto', style: 'short' });
    const a = Math.abs(sec);
    if (a < 60) return rtf.format(-sec, 'second');
    if (a < 3600) return rtf.format(-Math.round(sec / 60), 'minute');
    if (a < 86400) return rtf.format(-Math.round(sec / 3600), 'hour');
    return rtf.format(-Math.round(sec / 86400), 'day');
  };

  date = (iso: string | null | undefined): string => {
    if (!iso) return '—';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? '—' : d.toLocaleString(this.lang.value);
  };

  private syncDocument(): void {
    if (typeof document !== 'undefined') document.documentElement.lang = this.lang.value;
  }
}

export type { MessageKey };
