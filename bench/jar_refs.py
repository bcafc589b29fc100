"""Checks a shaded jar for classes it names but does not hold, under the given package prefixes: the shade
filters that drop SDK classes predict never loads (the DynamoDB Streams client, the endpoint rule-set
interpreter) are only safe while no remaining class or resource names them. Looks at every class's constant
pool strings (class references, descriptors, string constants) and at text resources (e.g. the SDK's
execution.interceptors lists), so it over-approximates what the JVM could load.

  jar_refs.py <jar> <prefix>...   exit 1 and list the dangling names if any
"""
import re, struct, sys, zipfile

NAME = re.compile(rb'[A-Za-z_$][A-Za-z0-9_$]*(?:[/.][A-Za-z0-9_$]+)+')


def utf8_constants(data):
    count, i, k, out = struct.unpack('>H', data[8:10])[0], 10, 1, []
    while k < count:
        tag = data[i]
        if tag == 1:
            n = struct.unpack('>H', data[i + 1:i + 3])[0]; out.append(data[i + 3:i + 3 + n]); i += 3 + n
        elif tag in (3, 4, 9, 10, 11, 12, 17, 18): i += 5
        elif tag in (5, 6): i += 9; k += 1  # long and double take two slots
        elif tag in (7, 8, 16, 19, 20): i += 3
        elif tag == 15: i += 4
        else: raise ValueError(f'constant pool tag {tag}')
        k += 1
    return out


def main(jar, prefixes):
    z = zipfile.ZipFile(jar)
    held = {e.filename[:-6] for e in z.infolist() if e.filename.endswith('.class')}
    dangling = {}
    for e in z.infolist():
        if e.filename.endswith('/') or e.filename.endswith('.so') or e.file_size > 5_000_000:
            continue
        data = z.read(e)
        texts = utf8_constants(data) if e.filename.endswith('.class') else [data]
        for text in texts:
            for m in NAME.findall(text):
                name = m.decode('latin1').replace('.', '/').split('$')[0]
                if any(name.startswith(p) for p in prefixes) and name not in held and name.rsplit('/', 1)[-1][:1].isupper():
                    dangling.setdefault(name, e.filename)
    for name, user in sorted(dangling.items()):
        print(f'{jar}: {user} names {name}, which the jar does not hold')
    return 1 if dangling else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2:]))
