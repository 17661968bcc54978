// Curated MCP tools as data, beside the catalog they belong to: one entry per operation,
// naming the provider's documented method and path, its typed inputs and the scope the
// classifier gives it. lib/mcp/tool-request.ts turns an entry plus a call's arguments into
// the request the proxy runs; nothing here is code per tool. tools.test.ts builds every
// entry and checks its classification against `scope`.
import type { ProviderId } from "@/lib/providers/catalog";
import type { RequestScope } from "@/lib/scopes";

/** One input. `in` says where it goes: a `{name}` in the path, the query string or the body. */
export type ToolParam = {
  in: "path" | "query" | "body";
  type: "string" | "integer" | "number" | "boolean" | "array" | "object";
  description: string;
  required?: boolean;
  enum?: readonly string[];
  /** for arrays: the item type */
  items?: "string" | "object";
  /** the wire name when it differs from the input's */
  wire?: string;
};

export type CuratedTool = {
  /** `<provider>_<verb>_<noun>`, hyphens as underscores */
  name: string;
  provider: ProviderId;
  title: string;
  description: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** relative to the provider's base URL; `{param}` segments come from path inputs */
  path: string;
  /** what the classifier says this request needs (checked by tools.test.ts) */
  scope: RequestScope;
  params: Record<string, ToolParam>;
  /** how body inputs are sent; JSON unless the provider takes forms (Stripe) */
  encoding?: "json" | "form";
  /** values every call carries, e.g. `closed=true` for an archive */
  fixed?: { query?: Record<string, string>; body?: Record<string, unknown> };
  /** a named body shape that is not a plain object of the inputs (Gmail's RFC 2822 `raw`) */
  shape?: "gmail_raw" | "gmail_draft";
  /** the provider's reference page for this endpoint */
  docs: string;
};

const p = (
  type: ToolParam["type"],
  location: ToolParam["in"],
  description: string,
  extra: Partial<ToolParam> = {},
): ToolParam => ({ type, in: location, description, ...extra });
const req = { required: true } as const;

const perPage = p("integer", "query", "Results per page (at most 100).");
const page = p("integer", "query", "Page number, from 1.");
const owner = p("string", "path", "Owner of the repository (user or organization).", req);
const repo = p("string", "path", "Repository name.", req);

const GITHUB: CuratedTool[] = [
  {
    name: "github_list_repos",
    provider: "github",
    title: "List my GitHub repositories",
    description: "Repositories the connected account can access.",
    method: "GET",
    path: "/user/repos",
    scope: "read",
    params: {
      visibility: p("string", "query", "all, public or private.", { enum: ["all", "public", "private"] }),
      sort: p("string", "query", "created, updated, pushed or full_name.", {
        enum: ["created", "updated", "pushed", "full_name"],
      }),
      per_page: perPage,
      page,
    },
    docs: "https://docs.github.com/en/rest/repos/repos#list-repositories-for-the-authenticated-user",
  },
  {
    name: "github_get_repo",
    provider: "github",
    title: "Get a GitHub repository",
    description: "One repository's details.",
    method: "GET",
    path: "/repos/{owner}/{repo}",
    scope: "read",
    params: { owner, repo },
    docs: "https://docs.github.com/en/rest/repos/repos#get-a-repository",
  },
  {
    name: "github_list_issues",
    provider: "github",
    title: "List issues in a GitHub repository",
    description: "Issues (and pull requests) of a repository.",
    method: "GET",
    path: "/repos/{owner}/{repo}/issues",
    scope: "read",
    params: {
      owner,
      repo,
      state: p("string", "query", "open, closed or all.", { enum: ["open", "closed", "all"] }),
      labels: p("string", "query", "Comma-separated label names."),
      per_page: perPage,
      page,
    },
    docs: "https://docs.github.com/en/rest/issues/issues#list-repository-issues",
  },
  {
    name: "github_get_issue",
    provider: "github",
    title: "Get a GitHub issue",
    description: "One issue with its body and labels.",
    method: "GET",
    path: "/repos/{owner}/{repo}/issues/{issue_number}",
    scope: "read",
    params: { owner, repo, issue_number: p("integer", "path", "The issue's number.", req) },
    docs: "https://docs.github.com/en/rest/issues/issues#get-an-issue",
  },
  {
    name: "github_create_issue",
    provider: "github",
    title: "Create a GitHub issue",
    description: "Opens a new issue.",
    method: "POST",
    path: "/repos/{owner}/{repo}/issues",
    scope: "write",
    params: {
      owner,
      repo,
      title: p("string", "body", "The issue's title.", req),
      body: p("string", "body", "The issue's text (Markdown)."),
      labels: p("array", "body", "Label names.", { items: "string" }),
      assignees: p("array", "body", "Logins to assign.", { items: "string" }),
    },
    docs: "https://docs.github.com/en/rest/issues/issues#create-an-issue",
  },
  {
    name: "github_update_issue",
    provider: "github",
    title: "Update a GitHub issue",
    description: "Changes an issue's title, text, state or labels.",
    method: "PATCH",
    path: "/repos/{owner}/{repo}/issues/{issue_number}",
    scope: "update",
    params: {
      owner,
      repo,
      issue_number: p("integer", "path", "The issue's number.", req),
      title: p("string", "body", "New title."),
      body: p("string", "body", "New text."),
      state: p("string", "body", "open or closed.", { enum: ["open", "closed"] }),
      labels: p("array", "body", "Label names (replaces them).", { items: "string" }),
    },
    docs: "https://docs.github.com/en/rest/issues/issues#update-an-issue",
  },
  {
    name: "github_create_issue_comment",
    provider: "github",
    title: "Comment on a GitHub issue or pull request",
    description: "Adds a comment.",
    method: "POST",
    path: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    scope: "write",
    params: {
      owner,
      repo,
      issue_number: p("integer", "path", "The issue's or pull request's number.", req),
      body: p("string", "body", "The comment (Markdown).", req),
    },
    docs: "https://docs.github.com/en/rest/issues/comments#create-an-issue-comment",
  },
  {
    name: "github_list_pull_requests",
    provider: "github",
    title: "List pull requests",
    description: "Pull requests of a repository.",
    method: "GET",
    path: "/repos/{owner}/{repo}/pulls",
    scope: "read",
    params: {
      owner,
      repo,
      state: p("string", "query", "open, closed or all.", { enum: ["open", "closed", "all"] }),
      per_page: perPage,
      page,
    },
    docs: "https://docs.github.com/en/rest/pulls/pulls#list-pull-requests",
  },
  {
    name: "github_get_pull_request",
    provider: "github",
    title: "Get a pull request",
    description: "One pull request.",
    method: "GET",
    path: "/repos/{owner}/{repo}/pulls/{pull_number}",
    scope: "read",
    params: { owner, repo, pull_number: p("integer", "path", "The pull request's number.", req) },
    docs: "https://docs.github.com/en/rest/pulls/pulls#get-a-pull-request",
  },
  {
    name: "github_search_code",
    provider: "github",
    title: "Search code on GitHub",
    description: "Code search with GitHub's qualifiers (repo:, language:, path:…).",
    method: "GET",
    path: "/search/code",
    scope: "read",
    params: { q: p("string", "query", "The search query.", req), per_page: perPage, page },
    docs: "https://docs.github.com/en/rest/search/search#search-code",
  },
  {
    name: "github_search_issues",
    provider: "github",
    title: "Search issues and pull requests",
    description: "Issue search with GitHub's qualifiers (is:open, author:…).",
    method: "GET",
    path: "/search/issues",
    scope: "read",
    params: { q: p("string", "query", "The search query.", req), per_page: perPage, page },
    docs: "https://docs.github.com/en/rest/search/search#search-issues-and-pull-requests",
  },
];

const GMAIL_USER = "/gmail/v1/users/me";
const messageId = p("string", "path", "The message id.", req);
const mail = {
  to: p("string", "body", "Recipients, comma-separated.", req),
  subject: p("string", "body", "Subject line.", req),
  body: p("string", "body", "Plain-text body.", req),
  cc: p("string", "body", "Cc recipients, comma-separated."),
  bcc: p("string", "body", "Bcc recipients, comma-separated."),
};

const GMAIL: CuratedTool[] = [
  {
    name: "gmail_search_messages",
    provider: "gmail",
    title: "Search Gmail messages",
    description: "Message ids matching a Gmail search (from:, is:unread, newer_than:…).",
    method: "GET",
    path: `${GMAIL_USER}/messages`,
    scope: "read",
    params: {
      q: p("string", "query", "Gmail search query."),
      maxResults: p("integer", "query", "At most this many (≤ 500)."),
      pageToken: p("string", "query", "From the previous page."),
    },
    docs: "https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages/list",
  },
  {
    name: "gmail_get_message",
    provider: "gmail",
    title: "Get a Gmail message",
    description: "One message.",
    method: "GET",
    path: `${GMAIL_USER}/messages/{id}`,
    scope: "read",
    params: {
      id: messageId,
      format: p("string", "query", "full, metadata, minimal or raw.", { enum: ["full", "metadata", "minimal", "raw"] }),
    },
    docs: "https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages/get",
  },
  {
    name: "gmail_get_thread",
    provider: "gmail",
    title: "Get a Gmail thread",
    description: "A conversation with all its messages.",
    method: "GET",
    path: `${GMAIL_USER}/threads/{id}`,
    scope: "read",
    params: {
      id: p("string", "path", "The thread id.", req),
      format: p("string", "query", "full, metadata or minimal.", { enum: ["full", "metadata", "minimal"] }),
    },
    docs: "https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.threads/get",
  },
  {
    name: "gmail_list_labels",
    provider: "gmail",
    title: "List Gmail labels",
    description: "The mailbox's labels.",
    method: "GET",
    path: `${GMAIL_USER}/labels`,
    scope: "read",
    params: {},
    docs: "https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.labels/list",
  },
  {
    name: "gmail_send_message",
    provider: "gmail",
    title: "Send an email",
    description: "Sends a plain-text email from the connected account.",
    method: "POST",
    path: `${GMAIL_USER}/messages/send`,
    scope: "write",
    params: mail,
    shape: "gmail_raw",
    docs: "https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages/send",
  },
  {
    name: "gmail_create_draft",
    provider: "gmail",
    title: "Create a Gmail draft",
    description: "Saves a plain-text draft without sending it.",
    method: "POST",
    path: `${GMAIL_USER}/drafts`,
    scope: "write",
    params: mail,
    shape: "gmail_draft",
    docs: "https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.drafts/create",
  },
  {
    name: "gmail_modify_message_labels",
    provider: "gmail",
    title: "Label or unlabel a Gmail message",
    description: "Adds and removes label ids (e.g. UNREAD, STARRED).",
    method: "POST",
    path: `${GMAIL_USER}/messages/{id}/modify`,
    scope: "update",
    params: {
      id: messageId,
      addLabelIds: p("array", "body", "Label ids to add.", { items: "string" }),
      removeLabelIds: p("array", "body", "Label ids to remove.", { items: "string" }),
    },
    docs: "https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages/modify",
  },
  {
    name: "gmail_trash_message",
    provider: "gmail",
    title: "Move a Gmail message to the trash",
    description: "Trashes a message (recoverable for 30 days).",
    method: "POST",
    path: `${GMAIL_USER}/messages/{id}/trash`,
    scope: "delete",
    params: { id: messageId },
    docs: "https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages/trash",
  },
];

const fileId = p("string", "path", "The file id.", req);
const fields = p("string", "query", "Fields to return, e.g. files(id,name,mimeType).");

const DRIVE: CuratedTool[] = [
  {
    name: "google_drive_search_files",
    provider: "google-drive",
    title: "Search Google Drive files",
    description: "Files matching a Drive query (name contains '…', mimeType = '…', trashed = false…).",
    method: "GET",
    path: "/drive/v3/files",
    scope: "read",
    params: {
      q: p("string", "query", "Drive search query."),
      pageSize: p("integer", "query", "At most this many (≤ 1000)."),
      pageToken: p("string", "query", "From the previous page."),
      orderBy: p("string", "query", "e.g. modifiedTime desc."),
      fields,
    },
    docs: "https://developers.google.com/workspace/drive/api/reference/rest/v3/files/list",
  },
  {
    name: "google_drive_get_file",
    provider: "google-drive",
    title: "Get a Google Drive file's metadata",
    description: "Name, type, owners and dates of one file.",
    method: "GET",
    path: "/drive/v3/files/{fileId}",
    scope: "read",
    params: { fileId, fields },
    docs: "https://developers.google.com/workspace/drive/api/reference/rest/v3/files/get",
  },
  {
    name: "google_drive_export_file",
    provider: "google-drive",
    title: "Export a Google Doc, Sheet or Slides",
    description: "A Workspace document's content in another format (text/plain, text/csv, application/pdf…).",
    method: "GET",
    path: "/drive/v3/files/{fileId}/export",
    scope: "read",
    params: { fileId, mimeType: p("string", "query", "The format to export to.", req) },
    docs: "https://developers.google.com/workspace/drive/api/reference/rest/v3/files/export",
  },
  {
    name: "google_drive_create_file",
    provider: "google-drive",
    title: "Create a Google Drive file or folder",
    description: "Creates an empty file or a folder (mimeType application/vnd.google-apps.folder).",
    method: "POST",
    path: "/drive/v3/files",
    scope: "write",
    params: {
      name: p("string", "body", "The new file's name.", req),
      mimeType: p("string", "body", "Its type, e.g. application/vnd.google-apps.document."),
      parents: p("array", "body", "Parent folder ids.", { items: "string" }),
      description: p("string", "body", "A description."),
    },
    docs: "https://developers.google.com/workspace/drive/api/reference/rest/v3/files/create",
  },
  {
    name: "google_drive_copy_file",
    provider: "google-drive",
    title: "Copy a Google Drive file",
    description: "Makes a copy, optionally renamed or in other folders.",
    method: "POST",
    path: "/drive/v3/files/{fileId}/copy",
    scope: "write",
    params: {
      fileId,
      name: p("string", "body", "The copy's name."),
      parents: p("array", "body", "Parent folder ids.", { items: "string" }),
    },
    docs: "https://developers.google.com/workspace/drive/api/reference/rest/v3/files/copy",
  },
  {
    name: "google_drive_update_file",
    provider: "google-drive",
    title: "Rename or describe a Google Drive file",
    description: "Changes a file's name, description or star.",
    method: "PATCH",
    path: "/drive/v3/files/{fileId}",
    scope: "update",
    params: {
      fileId,
      name: p("string", "body", "New name."),
      description: p("string", "body", "New description."),
      starred: p("boolean", "body", "Starred or not."),
    },
    docs: "https://developers.google.com/workspace/drive/api/reference/rest/v3/files/update",
  },
  {
    name: "google_drive_trash_file",
    provider: "google-drive",
    title: "Move a Google Drive file to the trash",
    description: "Trashes a file (recoverable from the trash).",
    method: "PATCH",
    path: "/drive/v3/files/{fileId}",
    scope: "delete",
    params: { fileId },
    fixed: { body: { trashed: true } },
    docs: "https://developers.google.com/workspace/drive/api/reference/rest/v3/files/update",
  },
];

const pageId = p("string", "path", "The page id.", req);
const startCursor = p("string", "body", "From the previous page's next_cursor.");
const notionPageSize = p("integer", "body", "At most this many (≤ 100).");

const NOTION: CuratedTool[] = [
  {
    name: "notion_search",
    provider: "notion",
    title: "Search Notion",
    description: "Pages and databases shared with the integration whose title matches.",
    method: "POST",
    path: "/v1/search",
    scope: "read",
    params: {
      query: p("string", "body", "Text to look for in titles."),
      filter: p("object", "body", 'e.g. {"property":"object","value":"page"}.'),
      page_size: notionPageSize,
      start_cursor: startCursor,
    },
    docs: "https://developers.notion.com/reference/post-search",
  },
  {
    name: "notion_get_page",
    provider: "notion",
    title: "Get a Notion page",
    description: "A page's properties.",
    method: "GET",
    path: "/v1/pages/{page_id}",
    scope: "read",
    params: { page_id: pageId },
    docs: "https://developers.notion.com/reference/retrieve-a-page",
  },
  {
    name: "notion_get_block_children",
    provider: "notion",
    title: "Read a Notion page's content",
    description: "The blocks inside a page or block.",
    method: "GET",
    path: "/v1/blocks/{block_id}/children",
    scope: "read",
    params: {
      block_id: p("string", "path", "A page or block id.", req),
      page_size: p("integer", "query", "At most this many (≤ 100)."),
      start_cursor: p("string", "query", "From the previous page."),
    },
    docs: "https://developers.notion.com/reference/get-block-children",
  },
  {
    name: "notion_query_database",
    provider: "notion",
    title: "Query a Notion database",
    description: "Rows of a database, filtered and sorted.",
    method: "POST",
    path: "/v1/databases/{database_id}/query",
    scope: "read",
    params: {
      database_id: p("string", "path", "The database id.", req),
      filter: p("object", "body", "A Notion filter object."),
      sorts: p("array", "body", "Notion sort objects.", { items: "object" }),
      page_size: notionPageSize,
      start_cursor: startCursor,
    },
    docs: "https://developers.notion.com/reference/post-database-query",
  },
  {
    name: "notion_create_page",
    provider: "notion",
    title: "Create a Notion page",
    description: "A new page under a page or in a database.",
    method: "POST",
    path: "/v1/pages",
    scope: "write",
    params: {
      parent: p("object", "body", '{"page_id":…} or {"database_id":…}.', req),
      properties: p("object", "body", "The page's properties (a title at least).", req),
      children: p("array", "body", "Content blocks.", { items: "object" }),
    },
    docs: "https://developers.notion.com/reference/post-page",
  },
  {
    name: "notion_update_page",
    provider: "notion",
    title: "Update a Notion page's properties",
    description: "Changes property values.",
    method: "PATCH",
    path: "/v1/pages/{page_id}",
    scope: "update",
    params: { page_id: pageId, properties: p("object", "body", "Property values to set.", req) },
    docs: "https://developers.notion.com/reference/patch-page",
  },
  {
    name: "notion_append_blocks",
    provider: "notion",
    title: "Append content to a Notion page",
    description: "Adds blocks at the end of a page or block.",
    method: "PATCH",
    path: "/v1/blocks/{block_id}/children",
    scope: "update",
    params: {
      block_id: p("string", "path", "A page or block id.", req),
      children: p("array", "body", "Blocks to append.", { ...req, items: "object" }),
    },
    docs: "https://developers.notion.com/reference/patch-block-children",
  },
  {
    name: "notion_archive_page",
    provider: "notion",
    title: "Archive a Notion page",
    description: "Moves a page to the trash.",
    method: "PATCH",
    path: "/v1/pages/{page_id}",
    scope: "delete",
    params: { page_id: pageId },
    fixed: { body: { archived: true } },
    docs: "https://developers.notion.com/reference/archive-a-page",
  },
];

const channel = (where: ToolParam["in"]) => p("string", where, "Channel id (C…).", req);
const cursor = p("string", "query", "From the previous page's response_metadata.next_cursor.");
const limit = p("integer", "query", "At most this many.");

const SLACK: CuratedTool[] = [
  {
    name: "slack_list_channels",
    provider: "slack",
    title: "List Slack channels",
    description: "Channels the bot can see.",
    method: "GET",
    path: "/conversations.list",
    scope: "read",
    params: {
      types: p("string", "query", "e.g. public_channel,private_channel."),
      exclude_archived: p("boolean", "query", "Leave out archived channels."),
      limit,
      cursor,
    },
    docs: "https://docs.slack.dev/reference/methods/conversations.list",
  },
  {
    name: "slack_get_channel_history",
    provider: "slack",
    title: "Read a Slack channel's messages",
    description: "Recent messages of a channel, newest first.",
    method: "GET",
    path: "/conversations.history",
    scope: "read",
    params: {
      channel: channel("query"),
      limit,
      cursor,
      oldest: p("string", "query", "Only after this timestamp."),
      latest: p("string", "query", "Only before this timestamp."),
    },
    docs: "https://docs.slack.dev/reference/methods/conversations.history",
  },
  {
    name: "slack_get_thread_replies",
    provider: "slack",
    title: "Read a Slack thread",
    description: "A thread's messages.",
    method: "GET",
    path: "/conversations.replies",
    scope: "read",
    params: {
      channel: channel("query"),
      ts: p("string", "query", "The thread's parent message timestamp.", req),
      limit,
      cursor,
    },
    docs: "https://docs.slack.dev/reference/methods/conversations.replies",
  },
  {
    name: "slack_list_users",
    provider: "slack",
    title: "List Slack users",
    description: "Members of the workspace.",
    method: "GET",
    path: "/users.list",
    scope: "read",
    params: { limit, cursor },
    docs: "https://docs.slack.dev/reference/methods/users.list",
  },
  {
    name: "slack_post_message",
    provider: "slack",
    title: "Post a Slack message",
    description: "Posts to a channel, or replies in a thread.",
    method: "POST",
    path: "/chat.postMessage",
    scope: "write",
    params: {
      channel: channel("body"),
      text: p("string", "body", "The message (Slack mrkdwn).", req),
      thread_ts: p("string", "body", "Reply in this thread."),
    },
    docs: "https://docs.slack.dev/reference/methods/chat.postMessage",
  },
  {
    name: "slack_add_reaction",
    provider: "slack",
    title: "React to a Slack message",
    description: "Adds an emoji reaction.",
    method: "POST",
    path: "/reactions.add",
    scope: "write",
    params: {
      channel: channel("body"),
      timestamp: p("string", "body", "The message's timestamp.", req),
      name: p("string", "body", "Emoji name without colons.", req),
    },
    docs: "https://docs.slack.dev/reference/methods/reactions.add",
  },
  {
    name: "slack_update_message",
    provider: "slack",
    title: "Edit a Slack message",
    description: "Changes the text of a message the bot posted.",
    method: "POST",
    path: "/chat.update",
    scope: "update",
    params: {
      channel: channel("body"),
      ts: p("string", "body", "The message's timestamp.", req),
      text: p("string", "body", "New text.", req),
    },
    docs: "https://docs.slack.dev/reference/methods/chat.update",
  },
  {
    name: "slack_delete_message",
    provider: "slack",
    title: "Delete a Slack message",
    description: "Deletes a message the bot posted.",
    method: "POST",
    path: "/chat.delete",
    scope: "delete",
    params: { channel: channel("body"), ts: p("string", "body", "The message's timestamp.", req) },
    docs: "https://docs.slack.dev/reference/methods/chat.delete",
  },
];

const cardId = p("string", "path", "The card id.", req);

const TRELLO: CuratedTool[] = [
  {
    name: "trello_list_boards",
    provider: "trello",
    title: "List my Trello boards",
    description: "Boards of the connected member.",
    method: "GET",
    path: "/1/members/me/boards",
    scope: "read",
    params: {
      filter: p("string", "query", "all, open, closed, starred…"),
      fields: p("string", "query", "e.g. name,url,closed."),
    },
    docs: "https://developer.atlassian.com/cloud/trello/rest/api-group-members/#api-members-id-boards-get",
  },
  {
    name: "trello_list_lists",
    provider: "trello",
    title: "List a Trello board's lists",
    description: "The lists (columns) of a board.",
    method: "GET",
    path: "/1/boards/{board_id}/lists",
    scope: "read",
    params: {
      board_id: p("string", "path", "The board id.", req),
      filter: p("string", "query", "all, open or closed.", { enum: ["all", "open", "closed"] }),
    },
    docs: "https://developer.atlassian.com/cloud/trello/rest/api-group-boards/#api-boards-id-lists-get",
  },
  {
    name: "trello_list_cards",
    provider: "trello",
    title: "List the cards on a Trello board",
    description: "Open cards of a board.",
    method: "GET",
    path: "/1/boards/{board_id}/cards",
    scope: "read",
    params: { board_id: p("string", "path", "The board id.", req) },
    docs: "https://developer.atlassian.com/cloud/trello/rest/api-group-boards/#api-boards-id-cards-get",
  },
  {
    name: "trello_get_card",
    provider: "trello",
    title: "Get a Trello card",
    description: "One card with its description and due date.",
    method: "GET",
    path: "/1/cards/{card_id}",
    scope: "read",
    params: { card_id: cardId },
    docs: "https://developer.atlassian.com/cloud/trello/rest/api-group-cards/#api-cards-id-get",
  },
  {
    name: "trello_create_card",
    provider: "trello",
    title: "Create a Trello card",
    description: "Adds a card to a list.",
    method: "POST",
    path: "/1/cards",
    scope: "write",
    params: {
      idList: p("string", "query", "The list to add it to.", req),
      name: p("string", "query", "The card's name.", req),
      desc: p("string", "query", "Its description."),
      due: p("string", "query", "Due date (ISO 8601)."),
      pos: p("string", "query", "top, bottom or a number."),
    },
    docs: "https://developer.atlassian.com/cloud/trello/rest/api-group-cards/#api-cards-post",
  },
  {
    name: "trello_add_comment",
    provider: "trello",
    title: "Comment on a Trello card",
    description: "Adds a comment to a card.",
    method: "POST",
    path: "/1/cards/{card_id}/actions/comments",
    scope: "write",
    params: { card_id: cardId, text: p("string", "query", "The comment.", req) },
    docs: "https://developer.atlassian.com/cloud/trello/rest/api-group-cards/#api-cards-id-actions-comments-post",
  },
  {
    name: "trello_update_card",
    provider: "trello",
    title: "Update a Trello card",
    description: "Renames, describes, moves or dates a card.",
    method: "PUT",
    path: "/1/cards/{card_id}",
    scope: "update",
    params: {
      card_id: cardId,
      name: p("string", "query", "New name."),
      desc: p("string", "query", "New description."),
      idList: p("string", "query", "Move to this list."),
      due: p("string", "query", "New due date (ISO 8601)."),
    },
    docs: "https://developer.atlassian.com/cloud/trello/rest/api-group-cards/#api-cards-id-put",
  },
  {
    name: "trello_archive_card",
    provider: "trello",
    title: "Archive a Trello card",
    description: "Closes (archives) a card.",
    method: "PUT",
    path: "/1/cards/{card_id}",
    scope: "delete",
    params: { card_id: cardId },
    fixed: { query: { closed: "true" } },
    docs: "https://developer.atlassian.com/cloud/trello/rest/api-group-cards/#api-cards-id-put",
  },
];

const model = p("string", "body", "Model id.", req);

const OPENAI: CuratedTool[] = [
  {
    name: "openai_list_models",
    provider: "openai",
    title: "List OpenAI models",
    description: "Models the key can use.",
    method: "GET",
    path: "/v1/models",
    scope: "read",
    params: {},
    docs: "https://platform.openai.com/docs/api-reference/models/list",
  },
  {
    name: "openai_get_model",
    provider: "openai",
    title: "Get an OpenAI model",
    description: "One model's details.",
    method: "GET",
    path: "/v1/models/{model}",
    scope: "read",
    params: { model: p("string", "path", "Model id.", req) },
    docs: "https://platform.openai.com/docs/api-reference/models/retrieve",
  },
  {
    name: "openai_create_response",
    provider: "openai",
    title: "Ask an OpenAI model (Responses API)",
    description: "A model's answer to an input.",
    method: "POST",
    path: "/v1/responses",
    scope: "read",
    params: {
      model,
      input: p("string", "body", "The prompt.", req),
      instructions: p("string", "body", "System instructions."),
      max_output_tokens: p("integer", "body", "Upper bound on the answer's tokens."),
    },
    docs: "https://platform.openai.com/docs/api-reference/responses/create",
  },
  {
    name: "openai_create_chat_completion",
    provider: "openai",
    title: "OpenAI chat completion",
    description: "A chat model's reply to messages.",
    method: "POST",
    path: "/v1/chat/completions",
    scope: "read",
    params: {
      model,
      messages: p("array", "body", "[{role, content}, …].", { ...req, items: "object" }),
      max_completion_tokens: p("integer", "body", "Upper bound on the reply's tokens."),
      temperature: p("number", "body", "0–2."),
    },
    docs: "https://platform.openai.com/docs/api-reference/chat/create",
  },
  {
    name: "openai_create_embedding",
    provider: "openai",
    title: "Create OpenAI embeddings",
    description: "Embedding vectors for text.",
    method: "POST",
    path: "/v1/embeddings",
    scope: "read",
    params: { model, input: p("string", "body", "The text.", req) },
    docs: "https://platform.openai.com/docs/api-reference/embeddings/create",
  },
  {
    name: "openai_create_moderation",
    provider: "openai",
    title: "Check text with OpenAI moderation",
    description: "Whether text is flagged, by category.",
    method: "POST",
    path: "/v1/moderations",
    scope: "read",
    params: { input: p("string", "body", "The text.", req), model: p("string", "body", "Moderation model id.") },
    docs: "https://platform.openai.com/docs/api-reference/moderations/create",
  },
  {
    name: "openai_list_files",
    provider: "openai",
    title: "List OpenAI files",
    description: "Files uploaded to the account.",
    method: "GET",
    path: "/v1/files",
    scope: "read",
    params: { purpose: p("string", "query", "Only files of this purpose.") },
    docs: "https://platform.openai.com/docs/api-reference/files/list",
  },
  {
    name: "openai_delete_file",
    provider: "openai",
    title: "Delete an OpenAI file",
    description: "Deletes an uploaded file.",
    method: "DELETE",
    path: "/v1/files/{file_id}",
    scope: "delete",
    params: { file_id: p("string", "path", "The file id.", req) },
    docs: "https://platform.openai.com/docs/api-reference/files/delete",
  },
];

const batchId = p("string", "path", "The batch id.", req);

const ANTHROPIC: CuratedTool[] = [
  {
    name: "anthropic_list_models",
    provider: "anthropic",
    title: "List Claude models",
    description: "Models the key can use.",
    method: "GET",
    path: "/v1/models",
    scope: "read",
    params: {},
    docs: "https://docs.anthropic.com/en/api/models-list",
  },
  {
    name: "anthropic_get_model",
    provider: "anthropic",
    title: "Get a Claude model",
    description: "One model's details.",
    method: "GET",
    path: "/v1/models/{model_id}",
    scope: "read",
    params: { model_id: p("string", "path", "Model id.", req) },
    docs: "https://docs.anthropic.com/en/api/models",
  },
  {
    name: "anthropic_create_message",
    provider: "anthropic",
    title: "Ask Claude (Messages API)",
    description: "Claude's reply to messages.",
    method: "POST",
    path: "/v1/messages",
    scope: "read",
    params: {
      model,
      max_tokens: p("integer", "body", "Upper bound on the reply's tokens.", req),
      messages: p("array", "body", "[{role, content}, …].", { ...req, items: "object" }),
      system: p("string", "body", "System prompt."),
      temperature: p("number", "body", "0–1."),
    },
    docs: "https://docs.anthropic.com/en/api/messages",
  },
  {
    name: "anthropic_count_tokens",
    provider: "anthropic",
    title: "Count Claude tokens",
    description: "How many input tokens messages would use.",
    method: "POST",
    path: "/v1/messages/count_tokens",
    scope: "read",
    params: {
      model,
      messages: p("array", "body", "[{role, content}, …].", { ...req, items: "object" }),
      system: p("string", "body", "System prompt."),
    },
    docs: "https://docs.anthropic.com/en/api/messages-count-tokens",
  },
  {
    name: "anthropic_list_message_batches",
    provider: "anthropic",
    title: "List Claude message batches",
    description: "Batches, newest first.",
    method: "GET",
    path: "/v1/messages/batches",
    scope: "read",
    params: { limit: p("integer", "query", "At most this many.") },
    docs: "https://docs.anthropic.com/en/api/listing-message-batches",
  },
  {
    name: "anthropic_get_message_batch",
    provider: "anthropic",
    title: "Get a Claude message batch",
    description: "A batch's status and counts.",
    method: "GET",
    path: "/v1/messages/batches/{batch_id}",
    scope: "read",
    params: { batch_id: batchId },
    docs: "https://docs.anthropic.com/en/api/retrieving-message-batches",
  },
  {
    name: "anthropic_create_message_batch",
    provider: "anthropic",
    title: "Create a Claude message batch",
    description: "Queues many Messages requests at half price.",
    method: "POST",
    path: "/v1/messages/batches",
    scope: "write",
    params: { requests: p("array", "body", "[{custom_id, params}, …].", { ...req, items: "object" }) },
    docs: "https://docs.anthropic.com/en/api/creating-message-batches",
  },
  {
    name: "anthropic_delete_message_batch",
    provider: "anthropic",
    title: "Delete a Claude message batch",
    description: "Deletes a finished batch.",
    method: "DELETE",
    path: "/v1/messages/batches/{batch_id}",
    scope: "delete",
    params: { batch_id: batchId },
    docs: "https://docs.anthropic.com/en/api/deleting-message-batches",
  },
];

const customer = p("string", "path", "The customer id (cus_…).", req);
const invoice = p("string", "path", "The invoice id (in_…).", req);
const stripeLimit = p("integer", "query", "At most this many (≤ 100).");
const startingAfter = p("string", "query", "An object id: the page after it.");
const customerFields = {
  email: p("string", "body", "E-mail address."),
  name: p("string", "body", "Full name or business name."),
  description: p("string", "body", "A note about the customer."),
  metadata: p("object", "body", "Key-value pairs (strings)."),
};

const STRIPE: CuratedTool[] = [
  {
    name: "stripe_list_customers",
    provider: "stripe",
    title: "List Stripe customers",
    description: "Customers, newest first.",
    method: "GET",
    path: "/v1/customers",
    scope: "read",
    params: {
      email: p("string", "query", "Only this e-mail address."),
      limit: stripeLimit,
      starting_after: startingAfter,
    },
    docs: "https://docs.stripe.com/api/customers/list",
  },
  {
    name: "stripe_search_customers",
    provider: "stripe",
    title: "Search Stripe customers",
    description: "Search with Stripe's query language (email:'…', name~'…').",
    method: "GET",
    path: "/v1/customers/search",
    scope: "read",
    params: { query: p("string", "query", "The search query.", req), limit: stripeLimit },
    docs: "https://docs.stripe.com/api/customers/search",
  },
  {
    name: "stripe_get_customer",
    provider: "stripe",
    title: "Get a Stripe customer",
    description: "One customer.",
    method: "GET",
    path: "/v1/customers/{customer}",
    scope: "read",
    params: { customer },
    docs: "https://docs.stripe.com/api/customers/retrieve",
  },
  {
    name: "stripe_create_customer",
    provider: "stripe",
    title: "Create a Stripe customer",
    description: "A new customer.",
    method: "POST",
    path: "/v1/customers",
    scope: "write",
    encoding: "form",
    params: customerFields,
    docs: "https://docs.stripe.com/api/customers/create",
  },
  {
    name: "stripe_update_customer",
    provider: "stripe",
    title: "Update a Stripe customer",
    description: "Changes a customer's details.",
    method: "POST",
    path: "/v1/customers/{customer}",
    scope: "update",
    encoding: "form",
    params: { customer, ...customerFields },
    docs: "https://docs.stripe.com/api/customers/update",
  },
  {
    name: "stripe_delete_customer",
    provider: "stripe",
    title: "Delete a Stripe customer",
    description: "Deletes a customer for good and cancels their subscriptions.",
    method: "DELETE",
    path: "/v1/customers/{customer}",
    scope: "delete",
    params: { customer },
    docs: "https://docs.stripe.com/api/customers/delete",
  },
  {
    name: "stripe_list_invoices",
    provider: "stripe",
    title: "List Stripe invoices",
    description: "Invoices, newest first.",
    method: "GET",
    path: "/v1/invoices",
    scope: "read",
    params: {
      customer: p("string", "query", "Only this customer's."),
      status: p("string", "query", "draft, open, paid, uncollectible or void.", {
        enum: ["draft", "open", "paid", "uncollectible", "void"],
      }),
      limit: stripeLimit,
      starting_after: startingAfter,
    },
    docs: "https://docs.stripe.com/api/invoices/list",
  },
  {
    name: "stripe_get_invoice",
    provider: "stripe",
    title: "Get a Stripe invoice",
    description: "One invoice.",
    method: "GET",
    path: "/v1/invoices/{invoice}",
    scope: "read",
    params: { invoice },
    docs: "https://docs.stripe.com/api/invoices/retrieve",
  },
  {
    name: "stripe_create_invoice",
    provider: "stripe",
    title: "Create a Stripe invoice",
    description: "A draft invoice for a customer.",
    method: "POST",
    path: "/v1/invoices",
    scope: "write",
    encoding: "form",
    params: {
      customer: p("string", "body", "The customer id.", req),
      description: p("string", "body", "Memo shown on the invoice."),
      collection_method: p("string", "body", "charge_automatically or send_invoice.", {
        enum: ["charge_automatically", "send_invoice"],
      }),
      days_until_due: p("integer", "body", "For send_invoice."),
    },
    docs: "https://docs.stripe.com/api/invoices/create",
  },
  {
    name: "stripe_void_invoice",
    provider: "stripe",
    title: "Void a Stripe invoice",
    description: "Voids a finalized invoice.",
    method: "POST",
    path: "/v1/invoices/{invoice}/void",
    scope: "delete",
    encoding: "form",
    params: { invoice },
    docs: "https://docs.stripe.com/api/invoices/void",
  },
];

export const CURATED_TOOLS: readonly CuratedTool[] = [
  ...GITHUB,
  ...GMAIL,
  ...DRIVE,
  ...NOTION,
  ...SLACK,
  ...TRELLO,
  ...OPENAI,
  ...ANTHROPIC,
  ...STRIPE,
];

const BY_NAME = new Map(CURATED_TOOLS.map((tool) => [tool.name, tool]));

export function getCuratedTool(name: string): CuratedTool | undefined {
  return BY_NAME.get(name);
}

/** `google-drive` → `google_drive`: the prefix of a provider's tool names. */
export function toolPrefix(provider: string): string {
  return provider.replace(/-/g, "_");
}
