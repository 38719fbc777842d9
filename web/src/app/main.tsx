/**
 * The web app at /: Create (prompt, settings, live jobs), Gallery (search, grid) and a generation's page, on the
 * public API only (the reference for anyone writing their own frontend). Routes are the URL's hash.
 */
import './styles.css';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { apiKey, authRequired, setApiKey } from './api';
import { Create } from './Create';
import { Gallery, SimilarImages } from './Gallery';
import { GenerationPage } from './GenerationPage';

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const changed = () => setHash(window.location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

function App() {
  const hash = useHash();
  const [key, setKey] = useState(apiKey());
  const generation = /^#\/generation\/(.+)$/.exec(hash)?.[1];
  const similar = /^#\/similar\/(.+)$/.exec(hash)?.[1];
  const page = generation ? (
    <GenerationPage id={decodeURIComponent(generation)} />
  ) : similar ? (
    <SimilarImages imageId={decodeURIComponent(similar)} />
  ) : hash.startsWith('#/gallery') ? (
    <Gallery />
  ) : (
    <Create />
  );
  return (
    <>
      <nav>
        <strong>Atelier</strong>
        <a href="#/" aria-current={!hash || hash === '#/' ? 'page' : undefined}>
          Create
        </a>
        <a href="#/gallery" aria-current={hash.startsWith('#/gallery') ? 'page' : undefined}>
          Gallery
        </a>
        <a href="/graphql">API</a>
        {authRequired && key && (
          <button
            type="button"
            onClick={() => {
              setApiKey(null);
              setKey(null);
            }}
          >
            Sign out
          </button>
        )}
      </nav>
      <main>{authRequired && !key ? <SignIn onKey={setKey} /> : page}</main>
    </>
  );
}

function SignIn({ onKey }: { onKey: (key: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      className="sign-in"
      onSubmit={(event) => {
        event.preventDefault();
        setApiKey(value.trim());
        onKey(value.trim());
      }}
    >
      <label>
        API key
        <input name="apiKey" type="password" autoComplete="current-password" value={value} onChange={(event) => setValue(event.target.value)} />
      </label>
      <button type="submit" className="primary">
        Sign in
      </button>
    </form>
  );
}

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
