using System;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Platform;

namespace Edge.Firmware.Platform
{
    /// <summary>
    /// TLS clients from their accept to the end of their handshake, and the board's TLS sessions.
    /// A client leaves the listener's backlog only when a session is free (mbedTLS takes about
    /// 2 x 16.7 KB of native heap for each; the rest wait in lwIP's backlog), then waits here,
    /// polled each turn, until its whole ClientHello has come (at most <see cref="HelloWaitMs"/>):
    /// its server name, peeked and left in the socket (<see cref="TlsServerName"/>), picks the
    /// certificate (<see cref="TlsCertificates.Choose"/>), and the handshake runs.
    /// <para>
    /// The handshake blocks the whole board. nanoFramework's AuthenticateAsServer switches the socket
    /// to blocking and runs mbedTLS's handshake to its end in one native call (nf-interpreter's
    /// ssl_accept_internal), and mbedTLS waits for the client's bytes with select and no timeout
    /// (nanoFramework sets no read timeout on its configuration), so neither the socket's
    /// ReceiveTimeout nor a Timer ends the wait. A Thread for the handshake would not keep the loop
    /// turning either: nanoCLR runs every managed thread on the one native thread that is waiting.
    /// Hence the handshake starts only once the whole hello is here, when a client that means to
    /// finish answers within a round trip or two; one that stops in the middle stalls the board until
    /// it closes or its connection fails. The rest of its time is mbedTLS's signature with the
    /// certificate's key, which the board pays whatever runs the handshake.
    /// </para>
    /// </summary>
    public sealed class NanoTlsHandshakes
    {
        /// <summary>How long a client has, from its accept, to send its whole ClientHello.</summary>
        public const int HelloWaitMs = 5000;

        // Once through the handshake: how long a Read that finds no record may wait (managed, so
        // bounded) before it throws. It should never: Receive reads only when a record is there.
        private const int ReadWaitMs = 1000;

        private readonly IClock _clock;
        private readonly Socket[] _clients;
        private readonly int[] _listeners;
        private readonly long[] _since;
        private byte[] _hello;
        private int _connections;

        /// <summary>Handshakes that failed or timed out, the client closed and its session freed.</summary>
        public long Failed;

        /// <summary>Of those, clients whose first bytes were no TLS ClientHello (plain HTTP on the TLS port), or who closed before it.</summary>
        public long NotTls;

        public NanoTlsHandshakes(int sessions, IClock clock)
        {
            _clock = clock;
            _clients = new Socket[sessions];
            _listeners = new int[sessions];
            _since = new long[sessions];
        }

        public int Sessions
        {
            get { return _clients.Length; }
        }

        /// <summary>Sessions held: clients waiting here and connections handed out.</summary>
        public int InUse
        {
            get
            {
                int n = _connections;
                for (int i = 0; i < _clients.Length; i++)
                {
                    n += _clients[i] != null ? 1 : 0;
                }

                return n;
            }
        }

        /// <summary>
        /// For the listener on <paramref name="listenerHandle"/>: takes a new client from its backlog if a
        /// session is free, then returns the first of its clients through the handshake, or null.
        /// </summary>
        public NanoTlsConnection Next(int listenerHandle, Socket listener, NanoServerCertificates serving)
        {
            TakeClient(listenerHandle, listener);
            for (int i = 0; i < _clients.Length; i++)
            {
                if (_clients[i] == null || _listeners[i] != listenerHandle)
                {
                    continue;
                }

                string name;
                int found = ReadHello(_clients[i], out name);
                if (found == TlsServerName.Incomplete && _clock.Milliseconds - _since[i] < HelloWaitMs)
                {
                    continue;
                }

                Socket client = _clients[i];
                _clients[i] = null;
                if (found == TlsServerName.Incomplete || found == TlsServerName.NotClientHello)
                {
                    NotTls += found == TlsServerName.NotClientHello ? 1 : 0;
                    Fail(client);
                    continue;
                }

                NanoTlsConnection connection = Handshake(client, serving, name);
                if (connection != null)
                {
                    _connections++;
                    return connection;
                }
            }

            return null;
        }

        /// <summary>A connection handed out by <see cref="Next"/> was closed: its session is free.</summary>
        public void Ended()
        {
            _connections--;
        }

        /// <summary>The listener closed: its clients still in their hello are closed.</summary>
        public void DropListener(int listenerHandle)
        {
            for (int i = 0; i < _clients.Length; i++)
            {
                if (_clients[i] != null && _listeners[i] == listenerHandle)
                {
                    Close(_clients[i]);
                    _clients[i] = null;
                }
            }
        }

        // A session free (so a slot here too): the next client in the backlog, if one waits.
        private void TakeClient(int listenerHandle, Socket listener)
        {
            if (InUse >= Sessions || !listener.Poll(0, SelectMode.SelectRead))
            {
                return;
            }

            int free = 0;
            while (_clients[free] != null)
            {
                free++;
            }

            _clients[free] = listener.Accept();
            _listeners[free] = listenerHandle;
            _since[free] = _clock.Milliseconds;
            if (_hello == null)
            {
                _hello = new byte[TlsServerName.MaxRecord]; // the largest first record a hello may take
            }
        }

        // What the client's first bytes say, peeked: they stay for mbedTLS. A client that closed
        // before its hello was whole, or failed, counts as no ClientHello.
        private int ReadHello(Socket client, out string name)
        {
            name = null;
            try
            {
                int available = client.Available;
                if (available == 0)
                {
                    return client.Poll(0, SelectMode.SelectRead) ? TlsServerName.NotClientHello : TlsServerName.Incomplete;
                }

                int n = client.Receive(_hello, 0, available < _hello.Length ? available : _hello.Length, SocketFlags.Peek);
                int start;
                int length;
                int found = TlsServerName.Find(_hello, n, out start, out length);
                if (found == TlsServerName.Named)
                {
                    name = NameOf(_hello, start, length);
                }

                return found;
            }
            catch (SocketException)
            {
                return TlsServerName.NotClientHello;
            }
        }

        // Blocks: see the class comment. Null when it failed (the client closed, its session freed).
        private NanoTlsConnection Handshake(Socket client, NanoServerCertificates serving, string name)
        {
            X509Certificate2 certificate = serving.Get(serving.Source.Choose(name));
            if (certificate == null)
            {
                Fail(client);
                return null;
            }

            SslStream stream = null;
            try
            {
                stream = new SslStream(client);
                // clientCertificateRequired false: the other overload asks the client for a certificate.
                stream.AuthenticateAsServer(certificate, false, SslProtocols.Tls12);
                client.ReceiveTimeout = ReadWaitMs;
                return new NanoTlsConnection(client, stream);
            }
            catch (Exception)
            {
                Failed++;
                if (stream != null)
                {
                    stream.Dispose(); // and the socket with it
                }
                else
                {
                    Close(client);
                }

                return null;
            }
        }

        private void Fail(Socket client)
        {
            Failed++;
            Close(client);
        }

        private static void Close(Socket client)
        {
            try
            {
                client.Close();
            }
            catch (SocketException)
            {
                // closing what already failed
            }
        }

        // A byte per char, as the virtual board reads it: the same string whatever the bytes.
        private static string NameOf(byte[] b, int start, int length)
        {
            char[] chars = new char[length];
            for (int i = 0; i < length; i++)
            {
                chars[i] = (char)b[start + i];
            }

            return new string(chars);
        }
    }
}
