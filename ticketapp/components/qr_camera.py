"""A camera QR scanner for the browser: nimiq's `qr-scanner` wrapped as a Reflex component.

Why `qr-scanner`: it decodes fully offline (its jsQR-based worker is bundled by the
frontend build through a dynamic import and started from a blob URL), it uses the
native `BarcodeDetector` where a browser has one, and nothing is fetched from a CDN.

The library is a plain JS class, not a React component, so a small React wrapper
(`TicketQrCamera`, module-level custom code) owns the `<video>` element and starts
the scanner only while `active` is true. The library itself is imported lazily in
the effect, so server-side rendering never touches `navigator`.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import no_args_event_spec, passthrough_event_spec

QR_SCANNER_PACKAGE = "qr-scanner@1.4.2"

# Kept as plain JS (no JSX) so it compiles the same in any page module.
_WRAPPER_JS = """
function TicketQrCamera({active, label, onScan, onCameraStart, onCameraError, ...rest}) {
  const videoRef = useRef(null);
  // The latest handlers, without restarting the camera when Reflex re-renders them.
  const handlers = useRef({});
  handlers.current = {onScan, onCameraStart, onCameraError};
  useEffect(() => {
    if (!active) return undefined;
    let scanner = null;
    let cancelled = false;
    import("qr-scanner")
      .then(({default: QrScanner}) => {
        if (cancelled) return undefined;
        scanner = new QrScanner(
          videoRef.current,
          (result) => handlers.current.onScan?.(result.data),
          {returnDetailedScanResult: true, maxScansPerSecond: 5, preferredCamera: "environment"},
        );
        return scanner.start().then(() => {
          if (!cancelled) handlers.current.onCameraStart?.();
        });
      })
      .catch((error) => {
        if (!cancelled) handlers.current.onCameraError?.(String((error && error.name) || error));
      });
    return () => {
      cancelled = true;
      if (scanner) {
        scanner.stop();
        scanner.destroy();
      }
    };
  }, [active]);
  return createElement("video", {
    ...rest,
    ref: videoRef,
    muted: true,
    playsInline: true,
    "aria-label": label,
    style: {width: "100%", maxWidth: "28rem", borderRadius: "8px", display: active ? "block" : "none"},
  });
}
"""


class QrCamera(rx.Component):
    """`<TicketQrCamera>`: scans while `active`; reports each decoded text through `on_scan`."""

    tag = "TicketQrCamera"
    lib_dependencies: list[str] = [QR_SCANNER_PACKAGE]

    active: rx.Var[bool]
    label: rx.Var[str]

    on_scan: rx.EventHandler[passthrough_event_spec(str)]  # type: ignore[type-arg, valid-type]  # Reflex's event-trigger spec, not a generic
    on_camera_start: rx.EventHandler[no_args_event_spec]  # type: ignore[type-arg, valid-type]  # Reflex's event-trigger spec, not a generic
    on_camera_error: rx.EventHandler[passthrough_event_spec(str)]  # type: ignore[type-arg, valid-type]  # Reflex's event-trigger spec, not a generic

    def add_imports(self) -> rx.ImportDict:
        react_names: list[str | rx.ImportVar] = ["useEffect", "useRef", "createElement"]
        return {"react": react_names}

    def add_custom_code(self) -> list[str]:
        return [_WRAPPER_JS]


qr_camera = QrCamera.create
