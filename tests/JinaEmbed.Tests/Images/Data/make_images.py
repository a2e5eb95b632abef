# Generates the test images in this folder and expected.json with Pillow 9.4 (Debian python3-pil). Not run by the tests.
# Run in an empty folder: python3 make_images.py; then copy the images (minus the large ones) and run the manifest part.
import numpy as np, io, os, struct, zlib
from PIL import Image
rng = np.random.default_rng(5)
out = {}
def save(name, im, **kw):
    im.save(name, **kw)
H, W = 37, 53
yy, xx = np.mgrid[0:H, 0:W]
smooth = np.stack([(xx*255//W), (yy*255//H), ((xx+yy)*3) % 256], -1).astype(np.uint8)
noise = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
photo = np.clip(smooth.astype(int) + rng.integers(-20, 20, (H, W, 3)), 0, 255).astype(np.uint8)
rgba = np.concatenate([noise, rng.integers(0, 256, (H, W, 1), dtype=np.uint8)], -1); rgba[5:15, 5:15, 3] = 0
save('rgb.png', Image.fromarray(noise))
save('rgba.png', Image.fromarray(rgba, 'RGBA'))
save('l.png', Image.fromarray(noise[..., 0], 'L'))
la = Image.fromarray(np.stack([noise[..., 0], noise[..., 1]], -1), 'LA'); save('la.png', la)
save('mode1.png', Image.fromarray(noise[..., 0] > 128).convert('1'))
p = Image.fromarray(noise).quantize(64); save('p.png', p)
p2 = Image.fromarray(noise).quantize(64); p2.info['transparency'] = 3; save('p_trns.png', p2, transparency=3)
p3 = Image.fromarray(noise).quantize(200); save('p_trns_list.png', p3, transparency=bytes(range(0, 200)))
p4 = Image.fromarray(noise).quantize(4); save('p_2bit.png', p4, bits=2)
# gray with low bit depths
g = Image.fromarray((noise[...,0] // 64 * 85).astype(np.uint8), 'L'); save('l_2bit.png', g, bits=2)
# 16-bit gray PNG (mode I;16), values spanning 0..65535
g16 = rng.integers(0, 65536, (H, W), dtype=np.uint16); g16[0, :20] = np.arange(20) * 20
Image.fromarray(g16, 'I;16').save('gray16.png')
# RGB 16-bit and RGBA 16-bit and LA 16: write PNG by hand
def png(name, arr, ctype, depth):
    h, w = arr.shape[:2]
    raw = b''.join(b'\x00' + arr[y].astype('>u2' if depth == 16 else 'u1').tobytes() for y in range(h))
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    data = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, depth, ctype, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
    open(name, 'wb').write(data)
png('rgb16.png', rng.integers(0, 65536, (H, W, 3), dtype=np.uint16), 2, 16)
png('rgba16.png', rng.integers(0, 65536, (H, W, 4), dtype=np.uint16), 6, 16)
png('la16.png', rng.integers(0, 65536, (H, W, 2), dtype=np.uint16), 4, 16)
Image.fromarray(noise).save('interlaced.png', optimize=False)  # PIL can't write Adam7; skip
# JPEGs
save('baseline.jpg', Image.fromarray(photo), quality=90)
save('baseline444.jpg', Image.fromarray(photo), quality=95, subsampling=0)
save('baseline422.jpg', Image.fromarray(photo), quality=85, subsampling=1)
save('progressive.jpg', Image.fromarray(photo), quality=90, progressive=True)
save('gray.jpg', Image.fromarray(photo[..., 0], 'L'), quality=90)
cmyk = Image.fromarray(np.concatenate([photo, rng.integers(0, 256, (H, W, 1), dtype=np.uint8)], -1), 'CMYK')
save('cmyk.jpg', cmyk, quality=90)
# big-ish photo JPEG with odd size
Hb, Wb = 241, 317
yy2, xx2 = np.mgrid[0:Hb, 0:Wb]
ph2 = np.stack([(np.sin(xx2/9)*100+128), (np.cos(yy2/7)*100+128), ((xx2*yy2) % 256)], -1).astype(np.uint8)
save('photo_odd.jpg', Image.fromarray(ph2), quality=75)
save('photo_odd_prog.jpg', Image.fromarray(ph2), quality=75, progressive=True)
# GIF
save('gif.gif', Image.fromarray(noise).quantize(128))
save('gif_trns.gif', Image.fromarray(noise).quantize(128), transparency=5)
frames = [Image.fromarray(noise).quantize(64), Image.fromarray(255 - noise).quantize(64)]
frames[0].save('anim.gif', save_all=True, append_images=frames[1:], duration=100, loop=0)
save('gif_gray.gif', Image.fromarray(noise[..., 0], 'L'))
# BMP
save('rgb.bmp', Image.fromarray(noise))
save('p.bmp', Image.fromarray(noise).quantize(100))
save('l.bmp', Image.fromarray(noise[..., 0], 'L'))
save('mode1.bmp', Image.fromarray(noise[..., 0] > 128).convert('1'))
save('rgba.bmp', Image.fromarray(rgba, 'RGBA'))
# WebP
save('lossless.webp', Image.fromarray(noise), lossless=True)
save('lossy.webp', Image.fromarray(photo), quality=80)
save('lossy_alpha.webp', Image.fromarray(rgba, 'RGBA'), quality=80)
save('lossless_alpha.webp', Image.fromarray(rgba, 'RGBA'), lossless=True)
save('photo_odd.webp', Image.fromarray(ph2), quality=75)
aw = [Image.fromarray(noise), Image.fromarray(255 - noise)]
aw[0].save('anim.webp', save_all=True, append_images=aw[1:], duration=100, lossless=True)
os.remove('interlaced.png')

import numpy as np, struct, zlib
from PIL import Image
rng = np.random.default_rng(9)
rng = np.random.default_rng(9)
H, W = 29, 43
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
ADAM7 = [(0,0,8,8),(4,0,8,8),(0,4,4,8),(2,0,4,4),(0,2,2,4),(1,0,2,2),(0,1,1,2)]
def png(name, arr, ctype, depth, interlace=0, extra=b''):
    h, w = arr.shape[:2]
    dt = '>u2' if depth == 16 else 'u1'
    def rows(a): return b''.join(bytes([y % 5 if depth==16 else 0]) + filt(a, y, y % 5 if depth==16 else 0) for y in range(a.shape[0]))
    def filt(a, y, f):
        cur = np.frombuffer(a[y].astype(dt).tobytes(), np.uint8).astype(int)
        prev = np.frombuffer(a[y-1].astype(dt).tobytes(), np.uint8).astype(int) if y > 0 else np.zeros_like(cur)
        bpp = (a.shape[2] if a.ndim == 3 else 1) * (2 if depth == 16 else 1)
        out = np.zeros_like(cur)
        for i in range(len(cur)):
            left = cur[i-bpp] if i >= bpp else 0; up = prev[i]; ul = prev[i-bpp] if i >= bpp else 0
            if f == 0: pr = 0
            elif f == 1: pr = left
            elif f == 2: pr = up
            elif f == 3: pr = (left + up) >> 1
            else:
                p = left + up - ul; pa, pb, pc = abs(p-left), abs(p-up), abs(p-ul)
                pr = left if pa <= pb and pa <= pc else (up if pb <= pc else ul)
            out[i] = (cur[i] - pr) & 255
        return out.astype(np.uint8).tobytes()
    if interlace:
        raw = b''.join(rows(arr[y0::dy, x0::dx]) for (x0,y0,dx,dy) in ADAM7 if arr[y0::dy, x0::dx].size)
    else:
        raw = rows(arr)
    data = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, depth, ctype, 0, 0, interlace)) + extra + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
    open(name, 'wb').write(data)
png('gray16_adam7.png', rng.integers(0, 600, (H, W), dtype=np.uint16), 0, 16, 1)
png('rgb16_adam7_filters.png', rng.integers(0, 65536, (H, W, 3), dtype=np.uint16), 2, 16, 1)
png('rgba16_filters.png', rng.integers(0, 65536, (H, W, 4), dtype=np.uint16), 6, 16, 0)
png('gray16_trns.png', rng.integers(0, 400, (H, W), dtype=np.uint16), 0, 16, 0, chunk(b'tRNS', struct.pack('>H', 7)))
png('rgb8_adam7.png', rng.integers(0, 256, (H, W, 3), dtype=np.uint8), 2, 8, 1)
png('rgb8_gamma.png', rng.integers(0, 256, (H, W, 3), dtype=np.uint8), 2, 8, 0, chunk(b'gAMA', struct.pack('>I', 100000)))
png('rgba8_chrm.png', rng.integers(0, 256, (H, W, 4), dtype=np.uint8), 6, 8, 0, chunk(b'cHRM', struct.pack('>8I', 31270,32900,64000,33000,30000,60000,15000,6000)))
# JPEG with EXIF orientation 6
photo = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
im = Image.fromarray(photo); ex = Image.Exif(); ex[0x0112] = 6
im.save('exif_rot.jpg', quality=90, exif=ex.tobytes())
# JPEG with a wide-gamut ICC profile (no conversion expected): use PIL's ImageCms if available
try:
    from PIL import ImageCms
    prof = ImageCms.ImageCmsProfile(ImageCms.createProfile('LAB'))
    im.save('icc_lab.jpg', quality=90, icc_profile=prof.tobytes())
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile('sRGB'))
    im.save('icc_srgb.png', icc_profile=srgb.tobytes())
except Exception as e: print('no icc', e)
# GIF whose first frame is smaller than the screen (written by hand)
pal = bytes(rng.integers(0, 256, 16*3, dtype=np.uint8))
def lzw_uncompressed(idx, minsize=4):
    # emit codes with clear every few codes so the table never grows: width minsize+1
    clear, eoi = 1 << minsize, (1 << minsize) + 1
    codes = []
    for k, v in enumerate(idx):
        if k % 8 == 0: codes.append(clear)
        codes.append(int(v))
    codes.append(eoi)
    bits = 0; n = 0; out = bytearray()
    for c in codes:
        bits |= c << n; n += minsize + 1
        while n >= 8: out.append(bits & 255); bits >>= 8; n -= 8
    if n: out.append(bits & 255)
    sub = b''.join(bytes([len(out[i:i+255])]) + bytes(out[i:i+255]) for i in range(0, len(out), 255))
    return bytes([minsize]) + sub + b'\x00'
fw, fh = 20, 10
idx = rng.integers(0, 16, fw*fh)
g = b'GIF89a' + struct.pack('<HHBBB', 40, 30, 0x80 | 0x03, 2, 0) + pal
g += b'\x21\xf9\x04\x01\x00\x00\x09\x00'  # GCE with transparency idx 9
g += b'\x2c' + struct.pack('<HHHHB', 5, 7, fw, fh, 0) + lzw_uncompressed(idx) + b'\x3b'
open('gif_subframe.gif', 'wb').write(g)

# the same sub-frame GIF without the transparency flag (fill index 0)
d = open('gif_subframe.gif', 'rb').read(); k = d.index(b'\x21\xf9\x04')
open('gif_subframe_notrns.gif', 'wb').write(d[:k+3] + bytes([0]) + d[k+4:])

# --- manifest (run in the folder holding the kept images) ---
def manifest():
    import json, hashlib, os, PIL
    cases = []
    for f in sorted(os.listdir('.')):
        if f.endswith(('.json', '.py')): continue
        im = Image.open(f); mode = im.mode
        rgb = np.ascontiguousarray(np.asarray(im.convert('RGB')))
        cases.append({'file': f, 'pil_mode': mode, 'format': im.format, 'width': rgb.shape[1], 'height': rgb.shape[0],
                      'rgb_sha256': hashlib.sha256(rgb.tobytes()).hexdigest()})
    json.dump({'generator': 'Pillow %s Image.open(f).convert("RGB"), sha256 of the [H,W,3] uint8 bytes' % PIL.__version__, 'cases': cases}, open('expected.json', 'w'), indent=1)
