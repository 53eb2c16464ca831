/**
 * How a ringing call reaches the agent outside the console's own view (ports the hosts implement):
 * an OS notification (Electron) or one the renderer shows (browser host), and the window's
 * attention (flashFrame, dock bounce).
 */

export interface Notice {
  readonly title: string;
  readonly body: string;
  /** Set when the notice may be taken back later (`withdraw`). */
  readonly tag?: string;
}

/** OS notifications (Electron) or notifications shown by the renderer (browser host). */
export interface Notifier {
  show(notice: Notice): void;
  /** Takes down the notice with this tag, if it is still up. */
  withdraw(tag: string): void;
}

/** Drawing the agent's eye to the window while a call rings (flashFrame, dock bounce). */
export interface Attention {
  request(): void;
  cancel(): void;
}
