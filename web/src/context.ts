import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Services } from './services';

export const AppContext = createContext<Services | null>(null);

export function useServices(): Services {
  const s = useContext(AppContext);
  if (!s) throw new Error('useServices outside <AppContext.Provider>');
  return s;
}
