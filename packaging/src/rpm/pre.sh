# tern %pre: the system user exists before the payload, whose /var/lib/tern belongs to it.
getent group tern >/dev/null || groupadd -r tern
getent passwd tern >/dev/null || useradd -r -g tern -d /var/lib/tern -M -s /sbin/nologin \
  -c "Tern authoritative DNS nameserver" tern
exit 0
