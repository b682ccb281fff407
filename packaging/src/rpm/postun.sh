# tern %postun ($1: 0 on erase, 1 on upgrade): an upgrade restarts a running service on the new jars.
# An erase keeps /var/lib/tern (the database) and a changed /etc/tern/tern.conf (as tern.conf.rpmsave).
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
  if [ "$1" -ge 1 ]; then
    systemctl try-restart ternd.service >/dev/null 2>&1 || :
  fi
fi
exit 0
