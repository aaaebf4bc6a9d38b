// Scanning a check-in pass with the tablet's camera: frames from getUserMedia, decoded by jsQR (an npm
// package bundled into the app - nothing is fetched at run time). The first code found is handed on and
// the camera stops.
import jsQR from "jsqr";
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";

export function QrScanner({ onCode }: { onCode: (code: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [status, setStatus] = useState("");

  useEffect(() => {
    if (!stream || !video.current) return;
    const element = video.current;
    element.srcObject = stream;
    void element.play().catch(() => undefined);
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    let frame = 0;
    const scan = () => {
      if (element.readyState >= element.HAVE_CURRENT_DATA && context && element.videoWidth) {
        canvas.width = element.videoWidth;
        canvas.height = element.videoHeight;
        context.drawImage(element, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const found = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        if (found?.data) {
          setStatus(t("checkIn.scanned"));
          stop();
          onCode(found.data);
          return;
        }
      }
      frame = window.setTimeout(scan, 150);
    };
    scan();
    return () => window.clearTimeout(frame);
  }, [stream]);

  useEffect(() => () => stop(), []);

  function stop() {
    setStream((current) => {
      current?.getTracks().forEach((track) => track.stop());
      return null;
    });
  }

  async function start() {
    setStatus(t("checkIn.starting"));
    try {
      const media = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      setStream(media);
      setStatus(t("checkIn.pointCamera"));
    } catch (error) {
      setStatus(`${t("checkIn.noCamera")} (${error instanceof Error ? error.name : String(error)})`);
    }
  }

  return (
    <div class="scanner">
      {stream ? (
        <>
          <video ref={video} muted playsInline aria-label={t("checkIn.cameraView")} />
          <button type="button" onClick={stop}>{t("checkIn.stopCamera")}</button>
        </>
      ) : <button type="button" id="start-camera" onClick={() => void start()}>{t("checkIn.startCamera")}</button>}
      <p role="status" class="muted">{status}</p>
    </div>
  );
}
