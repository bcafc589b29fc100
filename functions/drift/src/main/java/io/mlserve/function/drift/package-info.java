/** The drift function: for now the HTML report page; the handler and its AWS wiring follow. */
package io.mlserve.function.drift;
