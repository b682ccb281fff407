# tern %post ($1: 1 on install, 2 on upgrade). As on Fedora, a new service is enabled only when the
# distribution's presets say so; otherwise: systemctl enable --now ternd
systemd-tmpfiles --create /usr/lib/tmpfiles.d/tern.conf >/dev/null 2>&1 || :
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
fi
if [ "$1" -eq 1 ]; then
  systemctl --no-reload preset ternd.service >/dev/null 2>&1 || :
fi
exit 0
