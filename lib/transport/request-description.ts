/** The URL with every value masked but those named loggable: never a secret or a text. */
export function describeRequest(url: string, loggableParams: ReadonlySet<string>): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return `GET ${url}`;
  const masked = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const [name] = pair.split('=', 1);
      return loggableParams.has(name) ? pair : `${name}=*`;
    })
    .join('&');
  return `GET ${url.slice(0, queryStart)}?${masked}`;
}
