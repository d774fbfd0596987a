#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using System;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>
    /// Test-side DNS, written apart from the code under test: builds queries byte by byte and
    /// reads a response into zone-file text ("web.default.svc.cluster.local. 5 IN A 10.96.0.20"),
    /// with its own name decoder (compression pointers, a bound on hops), as CoreDNS's tests
    /// write their expectations.
    /// </summary>
    public sealed class DnsMessage
    {
        public int Id;
        public int Rcode;
        public bool Authoritative;
        public bool Truncated;
        public bool RecursionAvailable;

        /// <summary>"name TYPE" of the (first) question.</summary>
        public string Question = "";
        public string[] Answer;
        public string[] Authority;
        public string[] Additional;

        /// <summary>A standard query (RD set, class IN) for one name and type; with an EDNS0 OPT record when ednsSize is not 0.</summary>
        public static byte[] Query(string name, ushort type, ushort id, int ednsSize)
        {
            if (name == ".")
            {
                name = ""; // the root: one zero byte
            }

            int nameLength = name.Length == 0 ? 1 : (name[name.Length - 1] == '.' ? name.Length + 1 : name.Length + 2);
            byte[] m = new byte[12 + nameLength + 4 + (ednsSize > 0 ? 11 : 0)];
            m[0] = (byte)(id >> 8);
            m[1] = (byte)id;
            m[2] = 0x01; // RD
            m[5] = 1;
            m[11] = (byte)(ednsSize > 0 ? 1 : 0);
            int at = 12;
            int labelAt = at++;
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (c == '.')
                {
                    m[labelAt] = (byte)(at - labelAt - 1);
                    labelAt = at++;
                }
                else
                {
                    m[at++] = (byte)c;
                }
            }

            m[labelAt] = (byte)(at - labelAt - 1);
            if (m[labelAt] != 0)
            {
                m[at++] = 0;
            }

            m[at++] = (byte)(type >> 8);
            m[at++] = (byte)type;
            m[at++] = 0;
            m[at++] = 1; // IN
            if (ednsSize > 0)
            {
                at++; // root owner
                m[at++] = 0;
                m[at++] = 41; // OPT
                m[at++] = (byte)(ednsSize >> 8);
                m[at++] = (byte)ednsSize;
            }

            return m;
        }

        /// <summary>Reads a response; throws (failing the test) when it is not well formed.</summary>
        public static DnsMessage Parse(byte[] m, int length)
        {
            if (length < 12)
            {
                throw new InvalidOperationException("a response of " + length.ToString() + " bytes");
            }

            var r = new DnsMessage();
            int flags = U16(m, 2);
            r.Id = U16(m, 0);
            r.Rcode = flags & 0x0F;
            r.Authoritative = (flags & 0x0400) != 0;
            r.Truncated = (flags & 0x0200) != 0;
            r.RecursionAvailable = (flags & 0x0080) != 0;
            int questions = U16(m, 4);
            int at = 12;
            for (int i = 0; i < questions; i++)
            {
                string qname = Name(m, length, ref at);
                r.Question = qname + " " + TypeName(U16(m, at));
                at += 4;
            }

            r.Answer = Section(m, length, U16(m, 6), ref at);
            r.Authority = Section(m, length, U16(m, 8), ref at);
            r.Additional = Section(m, length, U16(m, 10), ref at);
            if (at != length)
            {
                throw new InvalidOperationException("trailing bytes after the records: " + (length - at).ToString());
            }

            return r;
        }

        private static string[] Section(byte[] m, int length, int count, ref int at)
        {
            string[] records = new string[count];
            for (int i = 0; i < count; i++)
            {
                records[i] = Record(m, length, ref at);
            }

            return records;
        }

        private static string Record(byte[] m, int length, ref int at)
        {
            string owner = Name(m, length, ref at);
            if (at + 10 > length)
            {
                throw new InvalidOperationException("a record header past the end");
            }

            int type = U16(m, at);
            int cls = U16(m, at + 2);
            uint ttl = U32(m, at + 4);
            int rdlength = U16(m, at + 8);
            int rd = at + 10;
            at = rd + rdlength;
            if (at > length)
            {
                throw new InvalidOperationException("record data past the end");
            }

            if (type == 41)
            {
                return "; OPT udp=" + cls.ToString() + " version=" + ((ttl >> 16) & 0xFF).ToString() + " ext-rcode=" + (ttl >> 24).ToString();
            }

            string data;
            int p = rd;
            switch (type)
            {
                case 1:
                    data = m[rd].ToString() + "." + m[rd + 1].ToString() + "." + m[rd + 2].ToString() + "." + m[rd + 3].ToString();
                    break;
                case 2:
                case 5:
                case 12:
                    data = Name(m, length, ref p);
                    break;
                case 6:
                    string mname = Name(m, length, ref p);
                    string rname = Name(m, length, ref p);
                    data = mname + " " + rname + " " + U32(m, p).ToString() + " " + U32(m, p + 4).ToString() + " " + U32(m, p + 8).ToString()
                        + " " + U32(m, p + 12).ToString() + " " + U32(m, p + 16).ToString();
                    break;
                case 16:
                    data = "\"" + Ascii(m, rd + 1, m[rd]) + "\"";
                    break;
                case 33:
                    p = rd + 6;
                    data = U16(m, rd).ToString() + " " + U16(m, rd + 2).ToString() + " " + U16(m, rd + 4).ToString() + " " + Name(m, length, ref p);
                    break;
                default:
                    data = "\\# " + rdlength.ToString();
                    break;
            }

            return owner + " " + ttl.ToString() + " IN " + TypeName(type) + " " + data;
        }

        /// <summary>Decodes a name, following compression pointers (at most 64 hops); advances at past it.</summary>
        public static string Name(byte[] m, int length, ref int at)
        {
            string name = "";
            int position = at;
            bool jumped = false;
            for (int hops = 0; hops < 64; hops++)
            {
                if (position >= length)
                {
                    throw new InvalidOperationException("a name past the end");
                }

                int label = m[position];
                if ((label & 0xC0) == 0xC0)
                {
                    if (!jumped)
                    {
                        at = position + 2;
                    }

                    jumped = true;
                    position = ((label & 0x3F) << 8) | m[position + 1];
                    continue;
                }

                if (label == 0)
                {
                    if (!jumped)
                    {
                        at = position + 1;
                    }

                    return name.Length == 0 ? "." : name;
                }

                name += Ascii(m, position + 1, label) + ".";
                position += label + 1;
            }

            throw new InvalidOperationException("a compression pointer loop");
        }

        public static string TypeName(int type)
        {
            switch (type)
            {
                case 1: return "A";
                case 2: return "NS";
                case 5: return "CNAME";
                case 6: return "SOA";
                case 12: return "PTR";
                case 16: return "TXT";
                case 28: return "AAAA";
                case 33: return "SRV";
                case 41: return "OPT";
                case 255: return "ANY";
                default: return "TYPE" + type.ToString();
            }
        }

        private static string Ascii(byte[] m, int offset, int count)
        {
            char[] chars = new char[count];
            for (int i = 0; i < count; i++)
            {
                chars[i] = (char)m[offset + i];
            }

            return new string(chars);
        }

        private static int U16(byte[] m, int at)
        {
            return (m[at] << 8) | m[at + 1];
        }

        private static uint U32(byte[] m, int at)
        {
            return ((uint)m[at] << 24) | ((uint)m[at + 1] << 16) | ((uint)m[at + 2] << 8) | m[at + 3];
        }
    }
}
