// The signed-in user's passkeys as a list, each with inline rename and a
// delete that asks first. The list only renders and collects intent; the
// caller does the API calls and re-renders.

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

// renderPasskeys fills list with one item per credential. currentID is the
// passkey this session was created with (deleting it ends the session).
// actions.rename(credential, name) and actions.remove(credential) do the work.
export function renderPasskeys(list, credentials, currentID, actions) {
  const template = document.getElementById("passkey-template");
  list.replaceChildren(
    ...credentials.map((c, i) => passkeyItem(template, c, i, c.id === currentID, actions)),
  );
}

// focusItemControl moves focus to a control of the item for a credential id,
// so keyboard users keep their place after the list is rebuilt.
export function focusItemControl(list, id, selector) {
  for (const li of list.children) {
    if (li.dataset.id === id) li.querySelector(selector)?.focus();
  }
}

function passkeyItem(template, credential, index, current, actions) {
  const li = template.content.firstElementChild.cloneNode(true);
  const q = (selector) => li.querySelector(selector);
  li.dataset.id = credential.id;

  const nameID = `passkey-${index}-name`;
  q(".passkey-name").id = nameID;
  q(".passkey-name").textContent = credential.name;
  const kind = q(".passkey-kind");
  kind.textContent = credential.backup_state ? "Synced" : "Device-bound";
  kind.title = credential.backup_state
    ? "Backed up by your passkey provider and available on your other devices"
    : "Kept on one device or security key only";
  q(".passkey-current").hidden = !current;
  q(".passkey-provider-row").hidden = !credential.provider;
  q(".passkey-provider").textContent = credential.provider ?? "";
  setTime(q(".passkey-created"), credential.created_at, "Unknown");
  setTime(q(".passkey-last-used"), credential.last_used_at, "Never");

  // The buttons say "Rename" and "Delete"; screen readers also hear which
  // passkey they act on.
  for (const button of li.querySelectorAll("button")) button.setAttribute("aria-describedby", nameID);

  const actionsRow = q(".passkey-actions");
  const renameForm = q(".rename-form");
  const renameInput = q(".rename-input");
  const confirm = q(".confirm");
  renameInput.id = `passkey-${index}-rename`;
  q(".rename-label").htmlFor = renameInput.id;
  confirm.setAttribute("aria-label", `Delete ${credential.name}?`);

  const show = (panel) => {
    actionsRow.hidden = panel !== actionsRow;
    renameForm.hidden = panel !== renameForm;
    confirm.hidden = panel !== confirm;
  };
  const close = (focusSelector) => {
    show(actionsRow);
    q(focusSelector).focus();
  };

  q(".rename").addEventListener("click", () => {
    show(renameForm);
    renameInput.value = credential.name;
    renameInput.focus();
    renameInput.select();
  });
  renameForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = renameInput.value.trim();
    if (name === credential.name) return close(".rename");
    actions.rename(credential, name);
  });
  renameForm.querySelector(".cancel").addEventListener("click", () => close(".rename"));

  q(".delete").addEventListener("click", () => {
    q(".confirm-text").textContent = current
      ? `Delete “${credential.name}”? You signed in with it, so this also signs you out.`
      : `Delete “${credential.name}”? You will no longer be able to sign in with it.`;
    show(confirm);
    confirm.querySelector(".cancel").focus();
  });
  q(".confirm-delete").addEventListener("click", () => actions.remove(credential));
  confirm.querySelector(".cancel").addEventListener("click", () => close(".delete"));

  li.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    if (!renameForm.hidden) close(".rename");
    if (!confirm.hidden) close(".delete");
  });
  return li;
}

export function setTime(cell, value, missing) {
  if (!value) {
    cell.textContent = missing;
    return;
  }
  const time = document.createElement("time");
  time.dateTime = value;
  time.textContent = dateFormat.format(new Date(value));
  cell.replaceChildren(time);
}
