namespace Edge.Dataplane.Mgmt
{
    /// <summary>Field layouts of the small messages (the snapshot has its own codec).</summary>
    public static class Messages
    {
        public const string FirmwareVersion = "0.1.0";

        /// <summary>Hello: name, firmware, board address, VXLAN port, applied generation, pod capacity, largest payload it takes (added last: older hosts stop before it).</summary>
        public static void WriteHello(PayloadWriter w, string name, uint address, ushort vxlanPort, uint generation, int maxPods, int maxPayload)
        {
            w.String(name);
            w.String(FirmwareVersion);
            w.Address(address);
            w.Int(vxlanPort);
            w.Varint(generation);
            w.Int(maxPods);
            w.Int(maxPayload);
        }

        /// <summary>Hello's trust field: the line is trusted as it is (the console UART: physical access), no handshake.</summary>
        public const int LineTrusted = 0;

        /// <summary>Hello's trust field: prove the cluster key (AuthProof) on the board nonce that follows.</summary>
        public const int LineAuthenticate = 1;

        /// <summary>Hello's trust field: the board has no cluster key and takes no control plane on this line until provisioned over USB.</summary>
        public const int LineNoKey = 2;

        /// <summary>
        /// What Hello says about trust (after the fields above; older hosts stop before it): how
        /// this line is trusted, the board's cluster (null: none) and key id, and on a line that
        /// must authenticate the board's nonce for this connection.
        /// </summary>
        public static void WriteHelloTrust(PayloadWriter w, int trust, string cluster, uint keyId, byte[] nonce)
        {
            w.Int(trust);
            w.String(cluster);
            w.Address(keyId); // four bytes, network order
            if (trust == LineAuthenticate)
            {
                w.Raw(nonce, 0, Trust.SessionAuth.NonceLength);
            }
        }

        /// <summary>
        /// What Hello says last (older hosts stop before it): how many TLS sessions the board
        /// terminates at once (0: none), then the bytes it offers pods (0: not said).
        /// </summary>
        public static void WriteHelloCapacity(PayloadWriter w, int tlsSessions, int podMemory, int maxContainers, int maxProbes)
        {
            w.Int(tlsSessions);
            w.Int(podMemory);
            w.Int(maxContainers);
            w.Int(maxProbes);
        }

        /// <summary>Ack: the generation, and null or why it was not applied.</summary>
        public static void WriteAck(PayloadWriter w, uint generation, string error)
        {
            w.Varint(generation);
            w.String(error);
        }
    }
}
