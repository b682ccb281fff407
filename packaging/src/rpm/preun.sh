# tern %preun ($1: 0 on erase, 1 on upgrade): an erase stops and disables the service.
if [ "$1" -eq 0 ]; then
  if [ -d /run/systemd/system ]; then
    systemctl --no-reload disable --now ternd.service >/dev/null 2>&1 || :
  else
    systemctl --no-reload disable ternd.service >/dev/null 2>&1 || :
  fi
fi
exit 0
