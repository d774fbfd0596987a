using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Dns
{
    /// <summary>
    /// Builds a response in a fixed buffer: the header, the question copied from the query
    /// (so its case is preserved), then resource records with name compression (RFC 1035
    /// §4.1.4) against every name already written. Each Add returns false when the record
    /// would not fit the size limit, so the caller can set TC. No allocation.
    /// </summary>
    public sealed class DnsWriter
    {
        private const int MaxSuffixes = 64;

        private readonly ushort[] _suffix = new ushort[MaxSuffixes]; // offsets in a DNS message (at most 64 KiB over TCP)
        private int _suffixCount;

        public byte[] Buffer;
        public int Offset;
        public int Length;
        public int Limit;

        public int Answers;
        public int Authorities;
        public int Additionals;

        // The parsed question's name (DnsQuery.Name), when the question was copied: a record named
        // by it points at the question (offset 12, RFC 1035 §4.1.4) without comparing names.
        private byte[] _questionName;

        /// <summary>Starts a response to the query in query[qOffset..], copying header ID/RD and the question.</summary>
        public void Begin(byte[] buffer, int offset, int limit, byte[] query, int qOffset, int questionEnd)
        {
            Begin(buffer, offset, limit, query, qOffset, questionEnd, null);
        }

        /// <summary>As Begin; <paramref name="questionName"/> is the parsed question's name, which records then name by a pointer to the question.</summary>
        public void Begin(byte[] buffer, int offset, int limit, byte[] query, int qOffset, int questionEnd, byte[] questionName)
        {
            Buffer = buffer;
            Offset = offset;
            Limit = limit;
            _suffixCount = 0;
            Answers = Authorities = Additionals = 0;
            int copy = questionEnd > limit ? DnsHeader.Length : questionEnd;
            System.Array.Copy(query, qOffset, buffer, offset, copy);
            Length = copy;
            // QDCOUNT 1 (or 0 when the question does not fit), the other counts 0 until Finish.
            buffer[offset + DnsHeader.QuestionCountField] = 0;
            buffer[offset + DnsHeader.QuestionCountField + 1] = (byte)(copy > DnsHeader.Length ? 1 : 0);
            for (int i = offset + DnsHeader.AnswerCountField; i < offset + DnsHeader.Length; i++)
            {
                buffer[i] = 0;
            }
            _questionName = null;
            if (copy > DnsHeader.Length)
            {
                RecordSuffixes(offset + DnsHeader.Length);
                _questionName = questionName;
            }
        }

        /// <summary>Sets QR, the given flags (AA, TC, RA), RD copied from the query, and the rcode.</summary>
        public void Finish(ushort queryFlags, ushort flags, int rcode)
        {
            int value = DnsHeader.QrFlag | (queryFlags & (DnsHeader.RdFlag | 0x7800)) | flags | (rcode & 0x0F);
            byte[] b = Buffer;
            int o = Offset;
            b[o + DnsHeader.FlagsField] = (byte)(value >> 8);
            b[o + DnsHeader.FlagsField + 1] = (byte)value;
            b[o + DnsHeader.AnswerCountField] = (byte)(Answers >> 8);
            b[o + DnsHeader.AnswerCountField + 1] = (byte)Answers;
            b[o + DnsHeader.AuthorityCountField] = (byte)(Authorities >> 8);
            b[o + DnsHeader.AuthorityCountField + 1] = (byte)Authorities;
            b[o + DnsHeader.AdditionalCountField] = (byte)(Additionals >> 8);
            b[o + DnsHeader.AdditionalCountField + 1] = (byte)Additionals;
        }

        /// <summary>Drops every record written after the question (for a truncated answer).</summary>
        public void Truncate(int questionEnd)
        {
            Length = questionEnd;
            Answers = Authorities = Additionals = 0;
            _suffixCount = 0;
            RecordSuffixes(Offset + DnsHeader.Length);
        }

        // Section: 0 answer, 1 authority, 2 additional.
        public bool AddA(int section, byte[] name, int nameOffset, uint ttl, uint address)
        {
            int mark = Length;
            if (!Start(name, nameOffset, DnsType.A, ttl) || !Room(6))
            {
                Length = mark;
                return false;
            }

            byte[] b = Buffer;
            int at = Offset + Length;
            b[at] = 0; // RDLENGTH 4
            b[at + 1] = 4;
            b[at + 2] = (byte)(address >> 24);
            b[at + 3] = (byte)(address >> 16);
            b[at + 4] = (byte)(address >> 8);
            b[at + 5] = (byte)address;
            Length += 6;
            return Count(section);
        }

        /// <summary>A record whose data is one (compressible) name: CNAME, PTR, NS.</summary>
        public bool AddName(int section, byte[] name, int nameOffset, ushort type, uint ttl, byte[] target, int targetOffset)
        {
            int mark = Length;
            if (!Start(name, nameOffset, type, ttl) || !Room(2))
            {
                Length = mark;
                return false;
            }

            int rdlength = Offset + Length;
            Length += 2;
            int start = Length;
            if (!WriteName(target, targetOffset, true))
            {
                Length = mark;
                return false;
            }

            NetworkOrder.WriteU16(Buffer, rdlength, (ushort)(Length - start));
            return Count(section);
        }

        /// <summary>SRV (RFC 2782); the target is written without compression, as RFC 3597 asks.</summary>
        public bool AddSrv(int section, byte[] name, int nameOffset, uint ttl, ushort priority, ushort weight, ushort port, byte[] target, int targetOffset)
        {
            int mark = Length;
            if (!Start(name, nameOffset, DnsType.SRV, ttl) || !Room(8))
            {
                Length = mark;
                return false;
            }

            int rdlength = Offset + Length;
            NetworkOrder.WriteU16(Buffer, Offset + Length + 2, priority);
            NetworkOrder.WriteU16(Buffer, Offset + Length + 4, weight);
            NetworkOrder.WriteU16(Buffer, Offset + Length + 6, port);
            Length += 8;
            int start = Length - 6;
            if (!WriteName(target, targetOffset, false))
            {
                Length = mark;
                return false;
            }

            NetworkOrder.WriteU16(Buffer, rdlength, (ushort)(Length - start));
            return Count(section);
        }

        /// <summary>TXT with one character-string.</summary>
        public bool AddTxt(int section, byte[] name, int nameOffset, uint ttl, string text)
        {
            int mark = Length;
            if (!Start(name, nameOffset, DnsType.TXT, ttl) || !Room(3 + text.Length))
            {
                Length = mark;
                return false;
            }

            NetworkOrder.WriteU16(Buffer, Offset + Length, (ushort)(text.Length + 1));
            Buffer[Offset + Length + 2] = (byte)text.Length;
            for (int i = 0; i < text.Length; i++)
            {
                Buffer[Offset + Length + 3 + i] = (byte)text[i];
            }

            Length += 3 + text.Length;
            return Count(section);
        }

        /// <summary>SOA (RFC 1035 §3.3.13) with the zone's timers; minimum is the negative-caching TTL (RFC 2308).</summary>
        public bool AddSoa(int section, byte[] zone, uint ttl, byte[] mname, byte[] rname, uint serial, uint minimum)
        {
            int mark = Length;
            if (!Start(zone, 0, DnsType.SOA, ttl) || !Room(2))
            {
                Length = mark;
                return false;
            }

            int rdlength = Offset + Length;
            Length += 2;
            int start = Length;
            if (!WriteName(mname, 0, true) || !WriteName(rname, 0, true) || !Room(20))
            {
                Length = mark;
                return false;
            }

            NetworkOrder.WriteU32(Buffer, Offset + Length, serial);
            NetworkOrder.WriteU32(Buffer, Offset + Length + 4, 7200);
            NetworkOrder.WriteU32(Buffer, Offset + Length + 8, 1800);
            NetworkOrder.WriteU32(Buffer, Offset + Length + 12, 86400);
            NetworkOrder.WriteU32(Buffer, Offset + Length + 16, minimum);
            Length += 20;
            NetworkOrder.WriteU16(Buffer, rdlength, (ushort)(Length - start));
            return Count(section);
        }

        /// <summary>The EDNS0 OPT pseudo-record (RFC 6891 §6.1.2): our UDP size and the extended rcode bits.</summary>
        public bool AddOpt(int payloadSize, int extendedRcode)
        {
            if (!Room(11))
            {
                return false;
            }

            int at = Offset + Length;
            Buffer[at] = 0;
            NetworkOrder.WriteU16(Buffer, at + 1, DnsType.OPT);
            NetworkOrder.WriteU16(Buffer, at + 3, (ushort)payloadSize);
            Buffer[at + 5] = (byte)(extendedRcode >> 4);
            Buffer[at + 6] = 0; // version 0
            Buffer[at + 7] = 0;
            Buffer[at + 8] = 0;
            NetworkOrder.WriteU16(Buffer, at + 9, 0);
            Length += 11;
            Additionals++;
            return true;
        }

        private bool Start(byte[] name, int nameOffset, ushort type, uint ttl)
        {
            if (!WriteName(name, nameOffset, true) || !Room(8))
            {
                return false;
            }

            byte[] b = Buffer;
            int at = Offset + Length;
            b[at] = (byte)(type >> 8);
            b[at + 1] = (byte)type;
            b[at + 2] = DnsType.ClassIN >> 8;
            b[at + 3] = DnsType.ClassIN & 0xFF;
            b[at + 4] = (byte)(ttl >> 24);
            b[at + 5] = (byte)(ttl >> 16);
            b[at + 6] = (byte)(ttl >> 8);
            b[at + 7] = (byte)ttl;
            Length += 8;
            return true;
        }

        private bool Count(int section)
        {
            if (section == 0)
            {
                Answers++;
            }
            else if (section == 1)
            {
                Authorities++;
            }
            else
            {
                Additionals++;
            }

            return true;
        }

        private bool Room(int bytes)
        {
            return Length + bytes <= Limit;
        }

        // Writes a lower-case wire-form name, replacing its longest suffix already in the
        // message by a pointer when compress is set.
        private bool WriteName(byte[] name, int at, bool compress)
        {
            if (compress && at == 0 && name == _questionName && name != null)
            {
                if (!Room(2))
                {
                    return false;
                }

                Buffer[Offset + Length] = 0xC0;
                Buffer[Offset + Length + 1] = DnsHeader.Length; // the question's name
                Length += 2;
                return true;
            }

            int position = at;
            while (true)
            {
                int label = name[position];
                if (label == 0)
                {
                    if (!Room(1))
                    {
                        return false;
                    }

                    Buffer[Offset + Length++] = 0;
                    return true;
                }

                if (compress)
                {
                    int found = FindSuffix(name, position);
                    if (found >= 0)
                    {
                        if (!Room(2))
                        {
                            return false;
                        }

                        int pointer = found - Offset;
                        Buffer[Offset + Length] = (byte)(0xC0 | (pointer >> 8));
                        Buffer[Offset + Length + 1] = (byte)pointer;
                        Length += 2;
                        return true;
                    }
                }

                if (!Room(label + 1))
                {
                    return false;
                }

                if (compress && _suffixCount < MaxSuffixes && Length < 0x3FFF)
                {
                    _suffix[_suffixCount++] = (ushort)(Offset + Length);
                }

                System.Array.Copy(name, position, Buffer, Offset + Length, label + 1);
                Length += label + 1;
                position += label + 1;
            }
        }

        private void RecordSuffixes(int at)
        {
            while (Buffer[at] != 0 && (Buffer[at] & 0xC0) == 0 && _suffixCount < MaxSuffixes)
            {
                _suffix[_suffixCount++] = (ushort)at;
                at += Buffer[at] + 1;
            }
        }

        private int FindSuffix(byte[] name, int position)
        {
            for (int i = 0; i < _suffixCount; i++)
            {
                if (SameName(name, position, _suffix[i]))
                {
                    return _suffix[i];
                }
            }

            return -1;
        }

        // Compares a wire name with one in the message (following pointers), case-insensitively.
        private bool SameName(byte[] name, int position, int message)
        {
            for (int hops = 0; hops < 32; hops++)
            {
                int label = Buffer[message];
                if ((label & 0xC0) == 0xC0)
                {
                    message = Offset + (((label & 0x3F) << 8) | Buffer[message + 1]);
                    continue;
                }

                if (label != name[position])
                {
                    return false;
                }

                if (label == 0)
                {
                    return true;
                }

                if (!DnsName.LabelEquals(name, position + 1, Buffer, message + 1, label))
                {
                    return false;
                }

                position += label + 1;
                message += label + 1;
            }

            return false;
        }
    }
}
