import socket, sys, subprocess, time
# Keeps the first TLS record a real client sends: python3 capture_client_hello.py OUT.bin CLIENT ARGS... (PORT in the args becomes the listening port).
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR,1); s.bind(('127.0.0.1',0)); s.listen(1)
port=s.getsockname()[1]
cmd=[a.replace('PORT',str(port)) for a in sys.argv[2:]]
p=subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
c,_=s.accept(); c.settimeout(3)
data=b''
while True:
    try:
        d=c.recv(65536)
    except Exception: break
    if not d: break
    data+=d
    if len(data)>=5 and len(data)>=5+(data[3]<<8|data[4]): break
c.close(); p.kill()
open(sys.argv[1],'wb').write(data)
print(sys.argv[1], len(data))
