// Rendering of kernel outputs: text as text, HTML only after DOMPurify (no script, no style, no
// links out), PNG images as data URLs (allowed by the CSP's img-src). Nothing is downloadable.
import DOMPurify from 'dompurify';

const PURIFY = {
  FORBID_TAGS: ['style', 'script', 'iframe', 'object', 'embed', 'form', 'input', 'a', 'link', 'meta', 'base'],
  FORBID_ATTR: ['style', 'href', 'src', 'action', 'formaction', 'srcset'],
  ALLOW_DATA_ATTR: false,
};

// Chromium applies the page's CSP while DOMPurify parses, so inline styles (pandas writes a <style>
// element and style attributes) would be reported as violations even though DOMPurify drops them.
// Remove them before parsing; DOMPurify then does the real sanitising.
function withoutStyles(html) {
  return html.replace(/<style\b[\s\S]*?<\/style\s*>/gi, '').replace(/\sstyle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '');
}

function text(value) {
  return Array.isArray(value) ? value.join('') : String(value ?? '');
}

function RichData({ data }) {
  if (data['image/png']) {
    return <img class="output-image" alt="" src={`data:image/png;base64,${text(data['image/png']).trim()}`} />;
  }
  if (data['text/html']) {
    const clean = DOMPurify.sanitize(withoutStyles(text(data['text/html'])), PURIFY);
    return <div class="output-html" dangerouslySetInnerHTML={{ __html: clean }} />;
  }
  return <pre class="output-text">{text(data['text/plain'])}</pre>;
}

/** One output of a cell, in nbformat shape (WebSocket) or in the shape of the execute API. */
export function Output({ output }) {
  switch (output.output_type || output.type) {
    case 'stream':
      return <pre class={`output-text stream-${output.name}`}>{text(output.text)}</pre>;
    case 'execute_result':
    case 'display_data':
      return <RichData data={output.data || {}} />;
    case 'error':
      return <pre class="output-error" role="alert">{`${output.ename}: ${output.evalue}\n${text(output.traceback)}`}</pre>;
    case 'truncated':
      return <p class="notice">{`… (${output.limitBytes} bytes)`}</p>;
    default:
      return null;
  }
}
