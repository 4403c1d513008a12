/** Text made safe to stand anywhere in HTML (element content or a quoted attribute). */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * A page of the gateway (explorer, status): the head every page shares, with no favicon request, so a page loads
 * nothing but what it names.
 */
export function htmlPage(page: { title: string; head: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<link rel="icon" href="data:,">
${page.head}
</head>
<body>
${page.body}
</body>
</html>
`;
}
