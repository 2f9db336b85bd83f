/** Inline stroke icons (24×24). Decorative: the button around them carries the aria-label. */
const PATHS = {
  play: 'M7 4v16l13-8z',
  stop: 'M6 6h12v12H6z',
  pause: 'M8 5v14M16 5v14',
  restart: 'M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7',
  zap: 'M13 2 4 14h7l-1 8 9-12h-7z',
  trash: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13',
  redeploy: 'M12 16V4M7 9l5-5 5 5M5 20h14',
  logs: 'M6 3h9l4 4v14H6zM9 11h7M9 15h7M9 7h3',
  code: 'M9 8l-5 4 5 4M15 8l5 4-5 4',
  chart: 'M4 20V10M10 20V4M16 20v-7M22 20H2',
  sun: 'M12 4V2M12 22v-2M4 12H2M22 12h-2M5.6 5.6 4.2 4.2M19.8 19.8l-1.4-1.4M5.6 18.4l-1.4 1.4M19.8 4.2l-1.4 1.4M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8z',
  moon: 'M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z',
  menu: 'M4 6h16M4 12h16M4 18h16',
  x: 'M6 6l12 12M18 6 6 18',
  chevronDown: 'M6 9l6 6 6-6',
  chevronRight: 'M9 6l6 6-6 6',
  copy: 'M9 9h11v11H9zM5 15H4V4h11v1',
  download: 'M12 4v11M7 10l5 5 5-5M5 20h14',
  search: 'M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM20 20l-4-4',
  bell: 'M6 16V11a6 6 0 1 1 12 0v5l2 2H4zM10 21h4',
  check: 'M5 12l5 5 9-10',
  plus: 'M12 5v14M5 12h14',
  edit: 'M4 20h4L19 9l-4-4L4 16zM14 6l4 4',
  server: 'M4 4h16v7H4zM4 13h16v7H4zM8 7.5h.01M8 16.5h.01',
  box: 'M12 2 3 7v10l9 5 9-5V7zM3 7l9 5 9-5M12 12v10',
  activity: 'M3 12h4l3-8 4 16 3-8h4',
  settings: 'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM19 12l2-1-1-3-2 .2-1.4-1.4L16.8 5 14 4l-1 2h-2L10 4 7.2 5l.2 2L6 8.4 4 8l-1 3 2 1v0l-2 1 1 3 2-.2 1.4 1.4L7.2 19l2.8 1 1-2h2l1 2 2.8-1-.2-2 1.4-1.4 2 .2 1-3z',
  home: 'M3 11l9-8 9 8M5 10v10h14V10',
  logout: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h11',
  offline: 'M2 8.8a15 15 0 0 1 4.2-2.7M10.7 5.1A15 15 0 0 1 22 8.8M5 12.9a10 10 0 0 1 5.2-2.8M19 12.9a10 10 0 0 0-2-1.4M8.5 16.4a5 5 0 0 1 7 0M12 20h.01M3 3l18 18',
  refresh: 'M4 12a8 8 0 0 1 14-5.3L20 9M20 4v5h-5M20 12a8 8 0 0 1-14 5.3L4 15M4 20v-5h5',
  key: 'M15 7a4 4 0 1 1-3.9 5H3v3h3v3h3v-3h2.1A4 4 0 0 1 15 7z',
  layers: 'M12 3 2 8l10 5 10-5zM2 13l10 5 10-5M2 17.5l10 5 10-5',
  heart: 'M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z',
  globe: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 18, class: cls }: { name: IconName; size?: number; class?: string }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
      class={cls}
      data-icon={name}
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
