interface Props {
  /** The QR card (SVG) from the API: the QR with amount, account and content under it. */
  cardUrl: string;
  fileName: string;
}

/** Draws the SVG card onto a canvas at twice its size and hands back a PNG. */
async function cardToPng(url: string): Promise<Blob> {
  const svg = await (await fetch(url)).text();
  const image = new Image();
  const loaded = new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('image'));
  });
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await loaded;
  const scale = 2;
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth * scale;
  canvas.height = image.naturalHeight * scale;
  const context = canvas.getContext('2d')!;
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('png'))), 'image/png'));
}

/**
 * "Lưu ảnh QR": a PNG a banking app can read back with "scan from gallery". Without
 * JavaScript the link downloads the same card as SVG.
 */
export default function SaveQrButton(props: Props) {
  const save = async (event: MouseEvent) => {
    event.preventDefault();
    try {
      const png = await cardToPng(props.cardUrl);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(png);
      link.download = `${props.fileName}.png`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch {
      // The browser could not draw it: the SVG itself still saves.
      location.href = props.cardUrl;
    }
  };
  return (
    <a class="button" href={props.cardUrl} download={`${props.fileName}.svg`} onClick={save}>
      Lưu ảnh QR
    </a>
  );
}
