import { beforeEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import { SID, renderWithApp, signInSpeaking, teacher } from '../test/api';
import { LazyWhiteboardPanel } from './LazyWhiteboardPanel';

// The board's code did not download (the network dropped, a new version replaced the files).
vi.mock('./WhiteboardPanel', () => {
  throw new Error('Failed to fetch dynamically imported module');
});

beforeEach(() => signInSpeaking(teacher));

describe('LazyWhiteboardPanel', () => {
  it('says the board could not be opened, offers to try again, and leaves the rest of the page alone', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {}); // React reports the caught error
    renderWithApp(
      <>
        <p>the room</p>
        <LazyWhiteboardPanel sessionId={SID} />
      </>,
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('Beyaz tahta açılamadı.');
    expect(screen.getByRole('button', { name: 'Tekrar dene' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Beyaz tahta' })).toBeInTheDocument();
    expect(screen.getByText('the room')).toBeInTheDocument();
  });
});
