import { render } from 'preact';
import { App } from './App';
import { AppContext } from './context';
import { createServices } from './services';
import './styles.css';

const services = createServices({ win: window });
void services.auth.restore();
render(
  <AppContext.Provider value={services}>
    <App />
  </AppContext.Provider>,
  document.getElementById('app')!,
);
