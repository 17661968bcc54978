// The messages okoro mails: plain text first (what most people read in a notification),
// and the same words as simple HTML with one button-like link.
import type { Mail } from "@/lib/mail/send";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function compose(to: string, subject: string, lines: string[], action: { label: string; url: string }): Mail {
  const [intro, ...rest] = lines;
  const text = [intro, "", `${action.label}: ${action.url}`, "", ...rest, "", "— okoro"].join("\n");
  const html = `<!doctype html><html><body style="font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#1f2330;line-height:1.5;max-width:520px;margin:24px auto;padding:0 16px">
<p>${escapeHtml(intro)}</p>
<p><a href="${escapeHtml(action.url)}" style="display:inline-block;background:#3b4fd8;color:#fff;padding:10px 16px;border-radius:8px;text-decoration:none;font-weight:600">${escapeHtml(action.label)}</a></p>
<p style="font-size:13px;color:#555">Or open this address: <br><a href="${escapeHtml(action.url)}">${escapeHtml(action.url)}</a></p>
${rest.map((l) => `<p style="font-size:13px;color:#555">${escapeHtml(l)}</p>`).join("\n")}
<p style="font-size:13px;color:#555">— okoro</p>
</body></html>`;
  return { to, subject, text, html };
}

export function verifyEmailMessage(to: string, url: string): Mail {
  return compose(
    to,
    "Confirm your e-mail address for okoro",
    [
      "Confirm that this is your address to finish setting up your okoro account.",
      "The link works once, for 24 hours. If you did not sign up for okoro, ignore this message.",
    ],
    { label: "Confirm e-mail address", url },
  );
}

/** Sign-up with an address that already has an account: the ways back in, nothing more. */
export function accountExistsMessage(
  to: string,
  links: { signInUrl: string; resetUrl: string; unverified: boolean },
): Mail {
  return compose(
    to,
    "You already have an okoro account",
    [
      "Someone tried to create an okoro account with this address, which already has one. Nothing was changed.",
      `Forgot your password? Choose a new one: ${links.resetUrl}`,
      links.unverified
        ? "Your address is not confirmed yet: a new confirmation link follows in a separate message."
        : "If this was not you, you can ignore this message.",
    ],
    { label: "Sign in", url: links.signInUrl },
  );
}

export function changeEmailMessage(to: string, url: string): Mail {
  return compose(
    to,
    "Confirm your new e-mail address for okoro",
    [
      "Someone asked to move an okoro account to this address. Confirm it if that was you.",
      "The link works once, for 24 hours. If you did not ask for this, ignore this message: nothing changes.",
    ],
    { label: "Confirm new address", url },
  );
}

export function resetPasswordMessage(to: string, url: string): Mail {
  return compose(
    to,
    "Reset your okoro password",
    [
      "Someone asked to reset the password of the okoro account for this address.",
      "The link works once, for 30 minutes, and signs you out everywhere else. If you did not ask for this, ignore this message: your password stays as it is.",
    ],
    { label: "Choose a new password", url },
  );
}

/**
 * To the new address when another okoro account already has it: the same subject as
 * changeEmailMessage (the requester learns nothing), and nothing changes.
 */
export function emailTakenMessage(to: string, signInUrl: string): Mail {
  return compose(
    to,
    "Confirm your new e-mail address for okoro",
    [
      "Someone asked to move an okoro account to this address, but this address already has an okoro account of its own, so nothing changes.",
      "If that was you, sign in with this address instead. If you did not ask for this, ignore this message.",
    ],
    { label: "Sign in", url: signInUrl },
  );
}

/** To the current address when a change is asked for: the change waits for the new address's link. */
export function emailChangeRequestedNotice(to: string, newEmail: string, settingsUrl: string): Mail {
  return compose(
    to,
    "A change of your okoro account's e-mail address was requested",
    [
      `Someone signed in to your okoro account asked to change its e-mail address to ${newEmail}. Nothing changes until the link sent to that address is opened.`,
      "If that was not you, change your password in Settings now: that cancels the change and signs out every other session.",
    ],
    { label: "Open settings", url: settingsUrl },
  );
}

/** To the old address when the account moves: so a takeover cannot go unnoticed. */
export function emailChangedNotice(to: string, newEmail: string, url: string): Mail {
  return compose(
    to,
    "Your okoro account's e-mail address changed",
    [
      `The e-mail address of your okoro account is now ${newEmail}; sign in with that address from now on.`,
      "If you did not do this, contact whoever runs this okoro at once: messages about the account, password resets included, now go to the new address.",
    ],
    { label: "Open okoro", url },
  );
}
